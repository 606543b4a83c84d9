package io.stevedore.nodeagent.pod;

import org.slf4j.Logger;

/**
 * Where one pod sync spends its time, step by step, logged on one DEBUG line at its end
 * ({@code sync steps pod=… list=3 sandbox=812 … totalMs=…}): the profile behind the
 * start-path changes of issue 3, kept so a slow start can be read off the log again.
 * <p>
 * Threading: one per sync, used by its worker only.
 */
final class SyncSteps {

	private final Logger log;

	private final long started = System.nanoTime();

	private final StringBuilder steps = new StringBuilder();

	private long last = this.started;

	SyncSteps(Logger log) {
		this.log = log;
	}

	/** Closes the step that ran since the previous mark. */
	void mark(String step) {
		if (!this.log.isDebugEnabled()) {
			return;
		}
		long now = System.nanoTime();
		this.steps.append(' ').append(step).append('=').append((now - this.last) / 1_000_000);
		this.last = now;
	}

	void log(String key) {
		if (this.log.isDebugEnabled()) {
			this.log.debug("sync steps pod={}{} totalMs={}", key, this.steps,
					(System.nanoTime() - this.started) / 1_000_000);
		}
	}

}
