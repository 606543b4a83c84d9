package io.stevedore.nodeagent.cgroup;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.nodeagent.pod.ContainerResources;

/**
 * The node's pods cgroup and its QoS classes, as the kubelet's QoS container manager lays
 * them out: Guaranteed pods right under the root, Burstable ones under {@code burstable},
 * BestEffort ones under {@code besteffort}. The root holds Node Allocatable; BestEffort
 * weighs the minimum against the rest, Burstable what its pods request together, so that
 * under contention each class gets its requests' share.
 */
final class QosCgroups {

	static final String BURSTABLE = "burstable";

	static final String BEST_EFFORT = "besteffort";

	private final CgroupManager cgroups;

	private final String root;

	/**
	 * @param root the pods cgroup, e.g. {@code /stevedore/node-1/kubepods}
	 */
	QosCgroups(CgroupManager cgroups, String root) {
		this.cgroups = cgroups;
		this.root = root;
	}

	String root() {
		return this.root;
	}

	/**
	 * Creates the root with Node Allocatable's limits and the QoS classes under it.
	 */
	void setUp(ResourceConfig allocatable) {
		this.cgroups.create(this.root, allocatable);
		this.cgroups.create(this.root + "/" + BURSTABLE, ResourceConfig.none());
		this.cgroups.create(this.root + "/" + BEST_EFFORT, ResourceConfig.shares(ContainerResources.shares(0)));
	}

	/** Where a pod of the QoS class has its cgroup. */
	String parentOf(String qosClass) {
		return switch (qosClass) {
			case "Guaranteed" -> this.root;
			case "Burstable" -> this.root + "/" + BURSTABLE;
			default -> this.root + "/" + BEST_EFFORT;
		};
	}

	/** Every directory pod cgroups are in. */
	List<String> parents() {
		return List.of(this.root, this.root + "/" + BURSTABLE, this.root + "/" + BEST_EFFORT);
	}

	/**
	 * Burstable's shares from the CPU its active pods request together (the minimum when
	 * none), BestEffort's the minimum: the kubelet's {@code setCPUCgroupConfig}.
	 */
	void update(List<Pod> active) {
		long burstableMillis = 0;
		for (Pod pod : active) {
			if (ContainerResources.qosClass(pod).equals("Burstable")) {
				burstableMillis += PodResourceConfig.cpuRequestMillis(pod);
			}
		}
		this.cgroups.update(this.root + "/" + BURSTABLE,
				ResourceConfig.shares(ContainerResources.shares(burstableMillis)));
		this.cgroups.update(this.root + "/" + BEST_EFFORT, ResourceConfig.shares(ContainerResources.shares(0)));
	}

}
