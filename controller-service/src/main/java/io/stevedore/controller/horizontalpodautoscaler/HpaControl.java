package io.stevedore.controller.horizontalpodautoscaler;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;

/** The API calls of the HPA sync, behind an interface so unit tests use a fake. */
interface HpaControl {

	/**
	 * @param selector the target's status.selector, null or empty when it has none
	 */
	record Scale(int specReplicas, int statusReplicas, String selector) {
	}

	/** The target's /scale subresource; an exception when it cannot be read. */
	Scale getScale(String namespace, CrossVersionObjectReference target);

	void updateScale(String namespace, CrossVersionObjectReference target, int replicas);

	List<Pod> pods(String namespace, String selector);

	void updateStatus(HorizontalPodAutoscaler hpa);

}
