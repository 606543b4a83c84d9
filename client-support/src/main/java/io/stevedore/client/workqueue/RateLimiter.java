package io.stevedore.client.workqueue;

import java.time.Duration;

/**
 * Decides how long an item waits before it is retried (client-go's
 * {@code workqueue.TypedRateLimiter}). Implementations are safe for concurrent use.
 *
 * @param <T> the queued item
 */
public interface RateLimiter<T> {

	/** The delay before the item's next attempt; counts the attempt. */
	Duration when(T item);

	/** Forgets the item's failures: its next failure starts from the base delay again. */
	void forget(T item);

	/** How many times the item was rate limited since it was last forgotten. */
	int numRequeues(T item);

}
