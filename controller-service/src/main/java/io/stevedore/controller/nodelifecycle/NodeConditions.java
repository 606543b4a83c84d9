package io.stevedore.controller.nodelifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;

/**
 * The node conditions the controller writes: Unknown with reason NodeStatusUnknown when
 * the kubelet goes silent (as Kubernetes' {@code tryUpdateNodeHealth}), and back to the
 * kubelet's healthy values when its Lease renews again. Our node agent reports through
 * the Lease only between status updates, so the controller restores what it took away.
 */
final class NodeConditions {

	static final String READY = "Ready";

	static final String UNKNOWN_REASON = "NodeStatusUnknown";

	static final String UNKNOWN_MESSAGE = "Kubelet stopped posting node status.";

	static final String NEVER_REASON = "NodeStatusNeverUpdated";

	static final String NEVER_MESSAGE = "Kubelet never posted node status.";

	/** The pressure conditions and what a healthy kubelet reports for them. */
	private static final List<String[]> PRESSURES = List.of(
			new String[] { "MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available" },
			new String[] { "DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure" },
			new String[] { "PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available" });

	private NodeConditions() {
	}

	static NodeCondition ready(Node node) {
		if (node.getStatus() == null || node.getStatus().getConditions() == null) {
			return null;
		}
		return node.getStatus()
			.getConditions()
			.stream()
			.filter(c -> READY.equals(c.getType()))
			.findFirst()
			.orElse(null);
	}

	/** "True", "False" or "Unknown" (a node that never reported is Unknown). */
	static String readyStatus(Node node) {
		NodeCondition ready = ready(node);
		return ready == null || ready.getStatus() == null ? "Unknown" : ready.getStatus();
	}

	/** Whether the Ready=Unknown on the node is the controller's own doing. */
	static boolean markedUnknownByUs(Node node) {
		NodeCondition ready = ready(node);
		return ready != null && "Unknown".equals(ready.getStatus())
				&& (UNKNOWN_REASON.equals(ready.getReason()) || NEVER_REASON.equals(ready.getReason()));
	}

	/** Ready (added if missing) and every pressure condition present become Unknown. */
	static void markUnknown(Node node, Instant now) {
		boolean never = ready(node) == null;
		List<NodeCondition> conditions = conditions(node);
		set(conditions, READY, "Unknown", never ? NEVER_REASON : UNKNOWN_REASON,
				never ? NEVER_MESSAGE : UNKNOWN_MESSAGE, now, true);
		for (String[] pressure : PRESSURES) {
			set(conditions, pressure[0], "Unknown", UNKNOWN_REASON, UNKNOWN_MESSAGE, now, false);
		}
		node.getStatus().setConditions(conditions);
	}

	static void markReady(Node node, Instant now) {
		List<NodeCondition> conditions = conditions(node);
		set(conditions, READY, "True", "KubeletReady", "kubelet is posting ready status", now, true);
		for (String[] pressure : PRESSURES) {
			NodeCondition existing = find(conditions, pressure[0]);
			if (existing != null && UNKNOWN_REASON.equals(existing.getReason())) {
				set(conditions, pressure[0], "False", pressure[1], pressure[2], now, false);
			}
		}
		node.getStatus().setConditions(conditions);
	}

	private static List<NodeCondition> conditions(Node node) {
		if (node.getStatus() == null) {
			node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
		}
		return node.getStatus().getConditions() == null ? new ArrayList<>()
				: new ArrayList<>(node.getStatus().getConditions());
	}

	private static NodeCondition find(List<NodeCondition> conditions, String type) {
		return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
	}

	private static void set(List<NodeCondition> conditions, String type, String status, String reason, String message,
			Instant now, boolean addIfMissing) {
		NodeCondition existing = find(conditions, type);
		if (existing == null) {
			if (addIfMissing) {
				conditions.add(new NodeCondition(now.toString(), now.toString(), message, reason, status, type));
			}
			return;
		}
		if (!status.equals(existing.getStatus())) {
			existing.setLastTransitionTime(now.toString());
		}
		existing.setStatus(status);
		existing.setReason(reason);
		existing.setMessage(message);
	}

}
