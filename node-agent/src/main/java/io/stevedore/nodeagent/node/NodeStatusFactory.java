package io.stevedore.nodeagent.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.nodeagent.config.NodeIdentity;
import io.stevedore.nodeagent.runtime.ImageSummary;
import io.stevedore.nodeagent.runtime.RuntimeInfo;

/**
 * Computes the Node's status from what the host and the engine report, the way the
 * kubelet's setters do. Heartbeat and transition times are taken from the previous status
 * when nothing changed, so two computations of an unchanged node are equal and the caller
 * writes only on change.
 */
public final class NodeStatusFactory {

	/**
	 * The version kubectl shows in {@code get nodes}: the API level this agent
	 * implements.
	 */
	public static final String KUBELET_VERSION = "v1.32.0-stevedore";

	/** The kubelet reports at most this many images. */
	static final int MAX_IMAGES = 50;

	/**
	 * Each pressure condition with the kubelet's reason and message when False, then when
	 * True.
	 */
	private static final String[][] PRESSURES = {
			{ "MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available",
					"KubeletHasInsufficientMemory", "kubelet has insufficient memory available" },
			{ "DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", "KubeletHasDiskPressure",
					"kubelet has disk pressure" },
			{ "PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available",
					"KubeletHasInsufficientPID", "kubelet has insufficient PID available" } };

	private final NodeIdentity identity;

	private final int port;

	private final int maxPods;

	private final Supplier<Set<String>> pressures;

	private final NodeAllocatable allocatable;

	/** A node that reports no pressure and holds nothing back (a simulated one). */
	public NodeStatusFactory(NodeIdentity identity, int port, int maxPods) {
		this(identity, port, maxPods, Set::of, NodeAllocatable.none());
	}

	/**
	 * @param pressures the pressure conditions that are True now (the eviction manager's
	 * verdict)
	 * @param allocatable what is held back from pods
	 */
	public NodeStatusFactory(NodeIdentity identity, int port, int maxPods, Supplier<Set<String>> pressures,
			NodeAllocatable allocatable) {
		this.identity = identity;
		this.port = port;
		this.maxPods = maxPods;
		this.pressures = pressures;
		this.allocatable = allocatable;
	}

	/**
	 * @param info the engine's report, or null when the engine is not reachable
	 * @param runtimeError why the engine is not usable, or null
	 * @param previous the status now in the API, or null
	 * @param now the heartbeat time for conditions that changed
	 */
	public NodeStatus compute(RuntimeInfo info, List<ImageSummary> images, String runtimeError, NodeStatus previous,
			Instant now) {
		Map<String, Quantity> capacity = new LinkedHashMap<>();
		if (info != null) {
			capacity.put("cpu", new Quantity(Integer.toString(info.cpus())));
			capacity.put("memory", new Quantity((info.memoryBytes() / 1024) + "Ki"));
		}
		else if (previous != null && previous.getCapacity() != null) {
			capacity.putAll(previous.getCapacity());
		}
		capacity.put("pods", new Quantity(Integer.toString(this.maxPods)));
		capacity.put("ephemeral-storage", new Quantity((diskBytes(this.identity.rootDir()) / 1024) + "Ki"));
		NodeStatusBuilder status = new NodeStatusBuilder().withCapacity(capacity)
			.withAllocatable(this.allocatable.of(capacity))
			.withAddresses(new NodeAddress(this.identity.address(), "InternalIP"),
					new NodeAddress(this.identity.hostname(), "Hostname"))
			.withNewDaemonEndpoints()
			.withNewKubeletEndpoint(this.port)
			.endDaemonEndpoints()
			.withConditions(conditions(runtimeError, previous, now))
			.withImages(images(images));
		NodeSystemInfoBuilder nodeInfo = new NodeSystemInfoBuilder().withKubeletVersion(KUBELET_VERSION)
			.withKubeProxyVersion("")
			.withMachineID(readTrimmed("/etc/machine-id"))
			.withSystemUUID(readTrimmed("/sys/class/dmi/id/product_uuid"))
			.withBootID(readTrimmed("/proc/sys/kernel/random/boot_id"));
		if (info != null) {
			nodeInfo.withContainerRuntimeVersion(info.runtimeVersion())
				.withKernelVersion(info.kernelVersion())
				.withOsImage(info.operatingSystem())
				.withOperatingSystem(info.os())
				.withArchitecture(info.architecture());
		}
		else if (previous != null && previous.getNodeInfo() != null) {
			nodeInfo = new NodeSystemInfoBuilder(previous.getNodeInfo());
		}
		return status.withNodeInfo(nodeInfo.build()).build();
	}

	private List<NodeCondition> conditions(String runtimeError, NodeStatus previous, Instant now) {
		List<NodeCondition> conditions = new ArrayList<>();
		Set<String> pressure = this.pressures.get();
		for (String[] words : PRESSURES) {
			boolean on = pressure.contains(words[0]);
			conditions.add(condition(words[0], on ? "True" : "False", on ? words[3] : words[1],
					on ? words[4] : words[2], previous, now));
		}
		if (runtimeError == null) {
			conditions
				.add(condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", previous, now));
		}
		else {
			conditions.add(condition("Ready", "False", "KubeletNotReady", "container runtime is down: " + runtimeError,
					previous, now));
		}
		return conditions;
	}

	/** Keeps the previous times when type, status, reason and message are the same. */
	private static NodeCondition condition(String type, String status, String reason, String message,
			NodeStatus previous, Instant now) {
		NodeCondition old = previous == null || previous.getConditions() == null ? null
				: previous.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
		String time = now.toString();
		String heartbeat = time;
		String transition = time;
		if (old != null && status.equals(old.getStatus())) {
			transition = old.getLastTransitionTime() == null ? time : old.getLastTransitionTime();
			if (reason.equals(old.getReason()) && message.equals(old.getMessage())
					&& old.getLastHeartbeatTime() != null) {
				heartbeat = old.getLastHeartbeatTime();
			}
		}
		return new NodeConditionBuilder().withType(type)
			.withStatus(status)
			.withReason(reason)
			.withMessage(message)
			.withLastHeartbeatTime(heartbeat)
			.withLastTransitionTime(transition)
			.build();
	}

	private static List<ContainerImage> images(List<ImageSummary> images) {
		return images.stream()
			.filter(image -> !image.names().isEmpty())
			.limit(MAX_IMAGES)
			.map(image -> new ContainerImage(image.names(), image.sizeBytes()))
			.toList();
	}

	private static long diskBytes(Path root) {
		Path existing = root;
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		return existing == null ? 0 : existing.toFile().getTotalSpace();
	}

	private static String readTrimmed(String file) {
		try {
			return Files.readString(Path.of(file)).strip();
		}
		catch (IOException | RuntimeException ex) {
			return "";
		}
	}

	/**
	 * A copy of the status with every heartbeat time blanked: for "did anything change".
	 */
	public static NodeStatus withoutHeartbeats(NodeStatus status) {
		if (status == null) {
			return null;
		}
		NodeStatus copy = new NodeStatusBuilder(status).build();
		if (copy.getConditions() != null) {
			copy.setConditions(copy.getConditions()
				.stream()
				.map(c -> new NodeConditionBuilder(c).withLastHeartbeatTime(null).build())
				.toList());
		}
		return copy;
	}

}
