package io.stevedore.nodeagent.eviction;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/** Pods for the eviction tests: one container named after the pod. */
final class EvictionTestPods {

	private EvictionTestPods() {
	}

	/** A BestEffort pod. */
	static PodBuilder pod(String name) {
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.withUid("uid-" + name)
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName(name)
			.withImage("app:1")
			.endContainer()
			.endSpec()
			.withNewStatus()
			.withPhase("Running")
			.endStatus();
	}

	/** A Burstable pod asking for this much memory. */
	static PodBuilder requesting(String name, String memory) {
		return pod(name).editSpec()
			.editFirstContainer()
			.withNewResources()
			.addToRequests("memory", new Quantity(memory))
			.endResources()
			.endContainer()
			.endSpec();
	}

	static Pod withPriority(PodBuilder pod, int priority) {
		return pod.editSpec().withPriority(priority).endSpec().build();
	}

}
