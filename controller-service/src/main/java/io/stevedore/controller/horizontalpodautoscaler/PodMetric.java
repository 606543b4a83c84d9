package io.stevedore.controller.horizontalpodautoscaler;

import java.time.Duration;
import java.time.Instant;

/**
 * One pod's usage of one resource as metrics.k8s.io reports it: the sum over its
 * containers, in milli-units (millicores, or milli-bytes for memory).
 *
 * @param timestamp the end of the window the usage was measured over
 * @param window its length; a CPU rate needs a window after the pod became ready
 */
record PodMetric(long milliValue, Instant timestamp, Duration window) {

	PodMetric withValue(long value) {
		return new PodMetric(value, this.timestamp, this.window);
	}

}
