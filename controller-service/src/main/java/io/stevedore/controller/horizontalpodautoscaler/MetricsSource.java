package io.stevedore.controller.horizontalpodautoscaler;

import java.util.Map;

/**
 * Where the controller reads pods' resource usage (Kubernetes' resource metrics client):
 * metrics.k8s.io through the apiserver in production, a fake in unit tests.
 */
interface MetricsSource {

	/**
	 * @param resource {@code cpu} or {@code memory}
	 * @param selector a label selector in its string form
	 * @return by pod name; pods without metrics are absent
	 * @throws MetricsUnavailableException when the metrics cannot be read at all
	 */
	Map<String, PodMetric> podMetrics(String namespace, String selector, String resource);

	/** The message becomes the FailedGetResourceMetric event and condition. */
	final class MetricsUnavailableException extends RuntimeException {

		MetricsUnavailableException(String message) {
			super(message);
		}

	}

}
