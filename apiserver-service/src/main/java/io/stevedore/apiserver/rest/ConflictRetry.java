package io.stevedore.apiserver.rest;

import java.time.Duration;

/**
 * Pacing for the compare-and-swap retries of an update or delete that lost a race. A
 * store may accept a newer write before readers see it (the embedded store acknowledges
 * after its group fsync), so an immediate re-read can see the old revision again: back
 * off briefly instead of spinning, and give up only after a generous time, as Kubernetes'
 * GuaranteedUpdate keeps retrying.
 *
 * <p>
 * Not thread-safe: one instance per request.
 */
final class ConflictRetry {

	private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(1).toNanos();

	private static final long MAX_PAUSE_NANOS = Duration.ofMillis(50).toNanos();

	private static final long BUDGET_NANOS = Duration.ofSeconds(10).toNanos();

	private final long deadline = System.nanoTime() + BUDGET_NANOS;

	private long pause = FIRST_PAUSE_NANOS;

	/** Waits before the next attempt; false when the time budget is spent. */
	boolean pauseBeforeRetry() {
		if (System.nanoTime() + this.pause > this.deadline) {
			return false;
		}
		try {
			Thread.sleep(Duration.ofNanos(this.pause));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		this.pause = Math.min(this.pause * 2, MAX_PAUSE_NANOS);
		return true;
	}

}
