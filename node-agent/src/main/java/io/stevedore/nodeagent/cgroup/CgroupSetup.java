package io.stevedore.nodeagent.cgroup;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.nodeagent.node.NodeAllocatable;
import io.stevedore.nodeagent.node.NodeEventSink;
import io.stevedore.nodeagent.pod.ContainerResources;
import io.stevedore.nodeagent.runtime.RuntimeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns pod cgroups on at start, as the kubelet with {@code --cgroups-per-qos} and
 * {@code --enforce-node-allocatable=pods}: the node's root cgroup limited to Node
 * Allocatable (capacity less kube-reserved and system-reserved; the eviction thresholds
 * are not taken off, as in the kubelet), the QoS cgroups under it, and a
 * NodeAllocatableEnforced event.
 * <p>
 * Only the cgroupfs driver is supported. With the engine on systemd, no cgroup file
 * system mounted, or one that refuses the node's cgroups (read-only in a container), pods
 * run as before, without a pod cgroup: said once in the log and as a Warning event on the
 * Node.
 */
public final class CgroupSetup {

	private static final Logger log = LoggerFactory.getLogger(CgroupSetup.class);

	private CgroupSetup() {
	}

	/**
	 * @param root the pods cgroup, e.g. {@code /stevedore/node-1/kubepods}
	 * @param engine the engine's report: its cgroup driver and the node's capacity
	 * @param reserved kube-reserved and system-reserved added up
	 * @param pods the pods bound to this node
	 * @return the pod cgroups, or null when pods run without
	 */
	public static PodCgroupManager enforce(FsCgroupManager cgroups, String root, RuntimeInfo engine,
			Map<String, Quantity> reserved, Supplier<List<Pod>> pods, NodeEventSink events) {
		if ("systemd".equals(engine.cgroupDriver())) {
			return off(events, "the engine's cgroup driver is systemd; only cgroupfs is supported");
		}
		if (!cgroups.mounted()) {
			return off(events, "no cgroup file system with cpu and memory is mounted");
		}
		Map<String, Quantity> allocatable = allocatable(engine, reserved);
		ResourceConfig limits = new ResourceConfig(
				ContainerResources.shares(ContainerResources.millicores(allocatable.get("cpu"))), 0, 0,
				Quantity.getAmountInBytes(allocatable.get("memory")).longValue());
		QosCgroups qos = new QosCgroups(cgroups, root);
		try {
			qos.setUp(limits);
		}
		catch (UncheckedIOException ex) {
			// Read-only (an agent in a container), or a limit the kernel refuses.
			return off(events, "the cgroup file system refused the node's cgroups (" + ex.getMessage() + ")");
		}
		PodCgroupManager manager = new PodCgroupManager(cgroups, qos, pods, limits.memoryBytes());
		events.record("Normal", "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods");
		log.info("pod cgroups on cgroup={} version={} cpuShares={} memoryBytes={}", root, cgroups.version(),
				limits.cpuShares(), limits.memoryBytes());
		return manager;
	}

	/** Capacity as the Node reports it, less the reservations. */
	static Map<String, Quantity> allocatable(RuntimeInfo engine, Map<String, Quantity> reserved) {
		Map<String, Quantity> capacity = new LinkedHashMap<>();
		capacity.put("cpu", new Quantity(Integer.toString(engine.cpus())));
		capacity.put("memory", new Quantity(Long.toString(engine.memoryBytes())));
		return new NodeAllocatable(reserved, List.of()).of(capacity);
	}

	private static PodCgroupManager off(NodeEventSink events, String reason) {
		log.warn("pod cgroups off, Node Allocatable not enforced: {}", reason);
		events.record("Warning", "FailedNodeAllocatableEnforcement",
				"Pods run without pod cgroups, Node Allocatable is not enforced: " + reason);
		return null;
	}

}
