package io.stevedore.client.workqueue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-item exponential backoff: base, 2*base, 4*base ... capped at max (client-go's
 * {@code ItemExponentialFailureRateLimiter}). A key that keeps failing backs off alone;
 * the others are not slowed down.
 *
 * @param <T> the queued item
 */
public final class ExponentialFailureRateLimiter<T> implements RateLimiter<T> {

	/** client-go's DefaultControllerRateLimiter: 5 ms doubling up to 1000 s. */
	public static final Duration DEFAULT_BASE = Duration.ofMillis(5);

	public static final Duration DEFAULT_MAX = Duration.ofSeconds(1000);

	private final Duration base;

	private final Duration max;

	private final Map<T, Integer> failures = new HashMap<>();

	public ExponentialFailureRateLimiter(Duration base, Duration max) {
		if (base.isNegative() || base.isZero()) {
			throw new IllegalArgumentException("base delay must be positive, got " + base);
		}
		if (max.compareTo(base) < 0) {
			throw new IllegalArgumentException("max delay " + max + " is below the base delay " + base);
		}
		this.base = base;
		this.max = max;
	}

	public static <T> ExponentialFailureRateLimiter<T> defaults() {
		return new ExponentialFailureRateLimiter<>(DEFAULT_BASE, DEFAULT_MAX);
	}

	@Override
	public synchronized Duration when(T item) {
		int exponent = this.failures.getOrDefault(item, 0);
		this.failures.put(item, exponent + 1);
		// Past 2^62 the multiplication overflows; the cap is reached long before.
		if (exponent >= 62) {
			return this.max;
		}
		long nanos = this.base.toNanos();
		long factor = 1L << exponent;
		if (nanos > Long.MAX_VALUE / factor) {
			return this.max;
		}
		Duration delay = Duration.ofNanos(nanos * factor);
		return delay.compareTo(this.max) > 0 ? this.max : delay;
	}

	@Override
	public synchronized void forget(T item) {
		this.failures.remove(item);
	}

	@Override
	public synchronized int numRequeues(T item) {
		return this.failures.getOrDefault(item, 0);
	}

}
