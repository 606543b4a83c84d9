package io.stevedore.controller.nodelifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A rate limiter of burst one on an injected clock (the limiter behind Kubernetes'
 * per-zone eviction queues): one acquisition, then the next no sooner than 1/qps later. A
 * rate of zero admits nothing. Not thread-safe: used by the single node lifecycle sync.
 */
final class TokenBucket {

	private final Clock clock;

	private double qps;

	private Instant nextFree = Instant.MIN;

	TokenBucket(Clock clock, double qps) {
		this.clock = clock;
		this.qps = qps;
	}

	void setRate(double qps) {
		this.qps = qps;
	}

	boolean tryAcquire() {
		if (this.qps <= 0) {
			return false;
		}
		Instant now = this.clock.instant();
		if (now.isBefore(this.nextFree)) {
			return false;
		}
		this.nextFree = now.plus(Duration.ofNanos((long) (1e9 / this.qps)));
		return true;
	}

}
