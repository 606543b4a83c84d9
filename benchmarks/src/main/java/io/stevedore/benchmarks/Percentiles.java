package io.stevedore.benchmarks;

import java.util.Arrays;

/** Percentiles of recorded latencies, in milliseconds. */
final class Percentiles {

	private final long[] sortedNanos;

	Percentiles(long[] nanos, int count) {
		this.sortedNanos = Arrays.copyOf(nanos, count);
		Arrays.sort(this.sortedNanos);
	}

	int count() {
		return this.sortedNanos.length;
	}

	double millis(double percentile) {
		if (this.sortedNanos.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(percentile / 100.0 * this.sortedNanos.length) - 1;
		return this.sortedNanos[Math.max(0, Math.min(index, this.sortedNanos.length - 1))] / 1_000_000.0;
	}

}
