package io.stevedore.client.events;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

/**
 * Runs the tasks of one key one after another, in the order they were submitted, and
 * tasks of different keys concurrently on the given executor. A task that fails does not
 * stop the next. A key's chain is dropped once its last task finished, so idle keys cost
 * nothing.
 */
public final class KeyedSerialExecutor {

	private final Executor executor;

	private final ConcurrentMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

	public KeyedSerialExecutor(Executor executor) {
		this.executor = executor;
	}

	public void execute(String key, Runnable task) {
		CompletableFuture<Void> next = this.tails.compute(key,
				(k, tail) -> (tail == null ? CompletableFuture.<Void>completedFuture(null)
						: tail.exceptionally((ex) -> null))
					.thenRunAsync(task, this.executor));
		// Registered outside compute: a task already done runs this here, and a map must
		// not be changed from inside its own compute.
		next.whenComplete((done, ex) -> this.tails.remove(key, next));
	}

	/** Keys with a task queued or running (for tests). */
	int pendingKeys() {
		return this.tails.size();
	}

}
