package io.stevedore.controller.support;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

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

	/**
	 * What a kubelet reports when the pod's only container exits: the phase and a
	 * terminated state with the exit code, finished now.
	 */
	public static void finish(KubernetesClient client, Pod pod, String phase, int exitCode) {
		Pod current = client.pods()
			.inNamespace(pod.getMetadata().getNamespace())
			.withName(pod.getMetadata().getName())
			.get();
		current.getStatus().setPhase(phase);
		current.getStatus()
			.setContainerStatuses(List.of(new ContainerStatusBuilder().withName("app")
				.withImage("busybox")
				.withImageID("")
				.withReady(false)
				.withRestartCount(0)
				.withNewState()
				.withNewTerminated()
				.withExitCode(exitCode)
				.withStartedAt(Instant.now().minusSeconds(1).toString())
				.withFinishedAt(Instant.now().toString())
				.endTerminated()
				.endState()
				.build()));
		client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(current).updateStatus();
	}

}
