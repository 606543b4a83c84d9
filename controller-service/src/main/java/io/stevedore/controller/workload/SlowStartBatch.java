package io.stevedore.controller.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Kubernetes' {@code slowStartBatch}: runs {@code count} calls in batches of 1, 2, 4, ...
 * concurrently, and stops at the first batch with a failure. A template that can never
 * succeed (a quota exceeded, an invalid pod) then costs one failed call, not hundreds.
 */
public final class SlowStartBatch {

	/** Kubernetes' {@code SlowStartInitialBatchSize}. */
	public static final int INITIAL_BATCH_SIZE = 1;

	private SlowStartBatch() {
	}

	/** What one call does; throws on failure. */
	@FunctionalInterface
	public interface Call {

		void run() throws Exception;

	}

	/**
	 * @return how many calls succeeded, and the first failure (null when none)
	 */
	public static Outcome run(int count, Call call) {
		int successes = 0;
		int batch = Math.min(count, INITIAL_BATCH_SIZE);
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int remaining = count; batch > 0; batch = Math.min(2 * batch, remaining)) {
				List<Future<?>> futures = new ArrayList<>(batch);
				for (int i = 0; i < batch; i++) {
					futures.add(executor.submit(() -> {
						call.run();
						return null;
					}));
				}
				Exception failure = null;
				for (Future<?> future : futures) {
					try {
						future.get();
						successes++;
					}
					catch (ExecutionException ex) {
						if (failure == null) {
							failure = ex.getCause() instanceof Exception cause ? cause : ex;
						}
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return new Outcome(successes, ex);
					}
				}
				if (failure != null) {
					return new Outcome(successes, failure);
				}
				remaining -= batch;
			}
		}
		return new Outcome(successes, null);
	}

	/**
	 * @param failure the first failure, null when every call succeeded
	 */
	public record Outcome(int successes, Exception failure) {
	}

}
