package io.stevedore.scheduler.testing;

import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;

/** Builders for the pods and nodes scheduler tests need, in one line each. */
public final class TestObjects {

	private TestObjects() {
	}

	/** A pod with one container requesting cpu and memory ("" for none). */
	public static PodBuilder pod(String name, String cpu, String memory) {
		ContainerBuilder container = new ContainerBuilder().withName("app").withImage("nginx:1.27");
		if (!cpu.isEmpty()) {
			container.editOrNewResources().addToRequests("cpu", new Quantity(cpu)).endResources();
		}
		if (!memory.isEmpty()) {
			container.editOrNewResources().addToRequests("memory", new Quantity(memory)).endResources();
		}
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.withUid("uid-" + name)
			.endMetadata()
			.withNewSpec()
			.withContainers(container.build())
			.endSpec();
	}

	public static PodBuilder pod(String name) {
		return pod(name, "", "");
	}

	/** A Ready node with this allocatable cpu and memory and room for 110 pods. */
	public static NodeBuilder node(String name, String cpu, String memory) {
		return new NodeBuilder().withNewMetadata()
			.withName(name)
			.addToLabels("kubernetes.io/hostname", name)
			.endMetadata()
			.withNewSpec()
			.endSpec()
			.withNewStatus()
			.withAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory), "pods",
					new Quantity("110"), "ephemeral-storage", new Quantity("100Gi")))
			.endStatus();
	}

	public static NodeBuilder node(String name) {
		return node(name, "4", "8Gi");
	}

	public static Taint taint(String key, String value, String effect) {
		return new TaintBuilder().withKey(key).withValue(value.isEmpty() ? null : value).withEffect(effect).build();
	}

	public static Toleration toleration(String key, String operator, String value, String effect) {
		return new TolerationBuilder().withKey(key.isEmpty() ? null : key)
			.withOperator(operator)
			.withValue(value.isEmpty() ? null : value)
			.withEffect(effect.isEmpty() ? null : effect)
			.build();
	}

	public static Node withLabels(Node node, Map<String, String> labels) {
		return new NodeBuilder(node).editMetadata().addToLabels(labels).endMetadata().build();
	}

	public static Pod withLabels(Pod pod, Map<String, String> labels) {
		return new PodBuilder(pod).editMetadata().addToLabels(labels).endMetadata().build();
	}

	/** A local volume's affinity: the node whose hostname label is {@code node}. */
	public static io.fabric8.kubernetes.api.model.VolumeNodeAffinity hostnameAffinity(String node) {
		return new io.fabric8.kubernetes.api.model.VolumeNodeAffinityBuilder().withNewRequired()
			.addNewNodeSelectorTerm()
			.addNewMatchExpression()
			.withKey("kubernetes.io/hostname")
			.withOperator("In")
			.withValues(node)
			.endMatchExpression()
			.endNodeSelectorTerm()
			.endRequired()
			.build();
	}

}
