package io.stevedore.controller.support;

import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;

/** Pods for integration tests that play the scheduler and the kubelet themselves. */
public final class TestPods {

	private TestPods() {
	}

	/** A one-container pod template carrying {@code labels}, for workload specs. */
	public static PodTemplateSpec template(Map<String, String> labels) {
		return new PodTemplateSpecBuilder().withNewMetadata()
			.withLabels(labels)
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.build();
	}

	/** A one-container pod, bound to {@code node} (null: unscheduled). */
	public static Pod bound(String name, String node) {
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withNodeName(node)
			.addNewContainer()
			.withName("app")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.build();
	}

}
