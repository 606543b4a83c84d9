package io.stevedore.nodeagent.pod;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' per-key exponential back-off ({@code flowcontrol.Backoff}), used for
 * CrashLoopBackOff and ImagePullBackOff. The first retry after a failure is immediate;
 * each further one within the window waits twice as long, up to the maximum. A key left
 * alone for twice the maximum starts again from the initial delay.
 * <p>
 * Threading: safe for concurrent use; time comes only from the injected clock.
 */
public final class BackOff {

	private final Duration initial;

	private final Duration max;

	private final Clock clock;

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	public BackOff(Duration initial, Duration max, Clock clock) {
		this.initial = initial;
		this.max = max;
		this.clock = clock;
	}

	/**
	 * Records a retry now and grows the delay the next failure waits: {@code initial} the
	 * first time (or after a long quiet period), then doubled up to {@code max}.
	 */
	public Duration next(String key) {
		Instant now = this.clock.instant();
		Entry entry = this.entries.compute(key, (k, old) -> {
			if (old == null || hasExpired(old, now)) {
				return new Entry(this.initial, now);
			}
			Duration doubled = old.delay.multipliedBy(2);
			return new Entry(doubled.compareTo(this.max) > 0 ? this.max : doubled, now);
		});
		return entry.delay;
	}

	/** The current delay of the key, zero when it has none. */
	public Duration delay(String key) {
		Entry entry = this.entries.get(key);
		return entry == null ? Duration.ZERO : entry.delay;
	}

	/**
	 * True while the key must still wait after an event (a container's exit, a failed
	 * pull) that happened at {@code eventTime}.
	 */
	public boolean isInBackOffSince(String key, Instant eventTime) {
		Entry entry = this.entries.get(key);
		if (entry == null || hasExpired(entry, this.clock.instant())) {
			return false;
		}
		return Duration.between(eventTime, this.clock.instant()).compareTo(entry.delay) < 0;
	}

	/** True while the key must still wait after its last recorded retry. */
	public boolean isInBackOff(String key) {
		Entry entry = this.entries.get(key);
		return entry != null && isInBackOffSince(key, entry.lastUpdate);
	}

	/** When the back-off that started at {@code eventTime} ends. */
	public Instant retryAt(String key, Instant eventTime) {
		return eventTime.plus(delay(key));
	}

	/**
	 * When the wait after the key's last recorded retry ends, or null when it is not
	 * waiting.
	 */
	public Instant retryAt(String key) {
		Entry entry = this.entries.get(key);
		return entry != null && isInBackOffSince(key, entry.lastUpdate) ? entry.lastUpdate.plus(entry.delay) : null;
	}

	public void reset(String key) {
		this.entries.remove(key);
	}

	/** Forgets every key with the prefix (a deleted pod's). */
	public void forgetPrefix(String prefix) {
		this.entries.keySet().removeIf(k -> k.startsWith(prefix));
	}

	private boolean hasExpired(Entry entry, Instant now) {
		return Duration.between(entry.lastUpdate, now).compareTo(this.max.multipliedBy(2)) > 0;
	}

	private record Entry(Duration delay, Instant lastUpdate) {
	}

}
