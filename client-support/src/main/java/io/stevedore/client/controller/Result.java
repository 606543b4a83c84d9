package io.stevedore.client.controller;

import java.time.Duration;

/**
 * What a {@link Reconciler} wants next: nothing (wait for the next change), or another
 * look after a delay (for example, while a namespace's contents are still going away).
 *
 * @param requeueAfter null for "done"
 */
public record Result(Duration requeueAfter) {

	private static final Result DONE = new Result(null);

	public static Result done() {
		return DONE;
	}

	public static Result requeueAfter(Duration delay) {
		if (delay == null || delay.isNegative()) {
			throw new IllegalArgumentException("requeueAfter must be zero or positive, got " + delay);
		}
		return new Result(delay);
	}

	public boolean requeue() {
		return this.requeueAfter != null;
	}

}
