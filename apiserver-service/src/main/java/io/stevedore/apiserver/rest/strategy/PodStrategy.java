package io.stevedore.apiserver.rest.strategy;

import java.time.Instant;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * Pods start Pending with a QoS class, and are deleted gracefully once a node runs them:
 * the node agent finishes the delete after stopping the containers
 * (pkg/registry/core/pod).
 */
final class PodStrategy implements ResourceStrategy {

	@Override
	public void prepareForCreate(HasMetadata object, Instant now) {
		Pod pod = (Pod) object;
		PodStatus status = new PodStatus();
		status.setPhase("Pending");
		status.setQosClass(qosClass(pod));
		pod.setStatus(status);
	}

	@Override
	public Long gracePeriodSeconds(HasMetadata object, Long requested) {
		Pod pod = (Pod) object;
		String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
		boolean scheduled = pod.getSpec() != null && pod.getSpec().getNodeName() != null
				&& !pod.getSpec().getNodeName().isEmpty();
		if (!scheduled || "Succeeded".equals(phase) || "Failed".equals(phase)) {
			return null;
		}
		long grace = requested != null ? requested : (pod.getSpec().getTerminationGracePeriodSeconds() == null ? 30
				: pod.getSpec().getTerminationGracePeriodSeconds());
		return grace <= 0 ? null : grace;
	}

	/**
	 * Malformed quantities are validation's to report; here they just do not compare
	 * equal.
	 */
	private static boolean sameAmount(Quantity a, Quantity b) {
		try {
			return Quantity.getAmountInBytes(a).compareTo(Quantity.getAmountInBytes(b)) == 0;
		}
		catch (ArithmeticException | IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * Guaranteed, Burstable or BestEffort, from requests and limits
	 * (pkg/apis/core/v1/helper/qos).
	 */
	static String qosClass(Pod pod) {
		boolean any = false;
		boolean guaranteed = true;
		for (Container container : pod.getSpec().getContainers()) {
			ResourceRequirements resources = container.getResources();
			var requests = resources == null || resources.getRequests() == null ? java.util.Map.<String, Quantity>of()
					: resources.getRequests();
			var limits = resources == null || resources.getLimits() == null ? java.util.Map.<String, Quantity>of()
					: resources.getLimits();
			any |= !requests.isEmpty() || !limits.isEmpty();
			for (String resource : new String[] { "cpu", "memory" }) {
				Quantity limit = limits.get(resource);
				Quantity request = requests.getOrDefault(resource, limit);
				if (limit == null || request == null || !sameAmount(limit, request)) {
					guaranteed = false;
				}
			}
		}
		if (!any) {
			return "BestEffort";
		}
		return guaranteed ? "Guaranteed" : "Burstable";
	}

}
