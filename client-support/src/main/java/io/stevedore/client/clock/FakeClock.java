package io.stevedore.client.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when a test says so (client-go's {@code clock/testing}). Time
 * dependent code takes a {@link Clock}; tests hand it this one instead of sleeping. Safe
 * for concurrent use.
 */
public final class FakeClock extends Clock {

	private volatile Instant now;

	public FakeClock(Instant start) {
		this.now = start;
	}

	public FakeClock() {
		this(Instant.parse("2026-01-01T00:00:00Z"));
	}

	public synchronized void advance(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("time does not go back: " + duration);
		}
		this.now = this.now.plus(duration);
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

}
