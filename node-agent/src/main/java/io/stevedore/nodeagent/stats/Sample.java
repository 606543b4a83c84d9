package io.stevedore.nodeagent.stats;

import java.time.Duration;
import java.time.Instant;

/**
 * One reading of cumulative CPU and current memory.
 *
 * @param cpuNanos cumulative CPU time in nanoseconds
 */
public record Sample(Instant time, long cpuNanos, long workingSetBytes, long usageBytes) {

	/**
	 * The CPU rate in nanocores between an earlier sample and this one; null when there
	 * is no earlier one, no time passed, or the counter went back (a restarted container
	 * under the same id): a rate is only reported where it is one.
	 */
	public Long nanoCoresSince(Sample earlier) {
		if (earlier == null) {
			return null;
		}
		long elapsed = Duration.between(earlier.time, this.time).toNanos();
		long used = this.cpuNanos - earlier.cpuNanos;
		if (elapsed <= 0 || used < 0) {
			return null;
		}
		return Math.round((double) used * 1_000_000_000d / elapsed);
	}

}
