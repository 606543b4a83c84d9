package io.stevedore.gateway.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per user name: {@code qps} tokens a second up to {@code burst}, one
 * per request. A user's first request finds a full bucket. Buckets of users who went
 * quiet are dropped once there are more than {@link #MAX_IDLE_BUCKETS}, so a flood of
 * distinct (even unauthenticated-looking) names cannot grow the map without bound; a
 * dropped bucket was full anyway, so forgetting it changes no answer.
 *
 * <p>
 * Threading: safe for concurrent use; each bucket is updated under its own lock. The
 * clock is injected (nanoseconds) so refills are tested without sleeping.
 */
public final class TokenBuckets {

	static final int MAX_IDLE_BUCKETS = 10_000;

	private final double qps;

	private final double burst;

	private final LongSupplier nanoTime;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	/** {@code qps} 0 or less: unlimited. */
	public TokenBuckets(double qps, int burst, LongSupplier nanoTime) {
		this.qps = qps;
		this.burst = Math.max(1, burst);
		this.nanoTime = nanoTime;
	}

	public boolean enabled() {
		return this.qps > 0;
	}

	/** Takes a token from {@code user}'s bucket; {@code false} when it is empty. */
	public boolean tryTake(String user) {
		if (!enabled()) {
			return true;
		}
		long now = this.nanoTime.getAsLong();
		if (this.buckets.size() > MAX_IDLE_BUCKETS) {
			this.buckets.values().removeIf((bucket) -> bucket.full(now));
		}
		return this.buckets.computeIfAbsent(user, (name) -> new Bucket(this.burst, now)).tryTake(now);
	}

	int size() {
		return this.buckets.size();
	}

	private final class Bucket {

		private double tokens;

		private long updated;

		Bucket(double tokens, long now) {
			this.tokens = tokens;
			this.updated = now;
		}

		synchronized boolean tryTake(long now) {
			refill(now);
			if (this.tokens < 1) {
				return false;
			}
			this.tokens -= 1;
			return true;
		}

		synchronized boolean full(long now) {
			refill(now);
			return this.tokens >= TokenBuckets.this.burst;
		}

		private void refill(long now) {
			if (now > this.updated) {
				this.tokens = Math.min(TokenBuckets.this.burst,
						this.tokens + (now - this.updated) / 1e9 * TokenBuckets.this.qps);
				this.updated = now;
			}
		}

	}

}
