package io.stevedore.controller.nodelifecycle;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;

/**
 * The taints the controller owns: those that follow the Ready condition, and the
 * NoSchedule ones that follow the other conditions and the cordon.
 */
final class NodeTaints {

	static final String UNREACHABLE = "node.kubernetes.io/unreachable";

	static final String NOT_READY = "node.kubernetes.io/not-ready";

	static final String NO_EXECUTE = "NoExecute";

	static final String NO_SCHEDULE = "NoSchedule";

	static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

	/**
	 * The NoSchedule taints that follow a condition being True (Kubernetes'
	 * taint-nodes-by-condition), so the scheduler keeps new pods off a node under
	 * pressure unless they tolerate it (DaemonSet pods do).
	 */
	static final Map<String, String> BY_CONDITION = Map.of("MemoryPressure", "node.kubernetes.io/memory-pressure",
			"DiskPressure", "node.kubernetes.io/disk-pressure", "PIDPressure", "node.kubernetes.io/pid-pressure",
			"NetworkUnavailable", "node.kubernetes.io/network-unavailable");

	private NodeTaints() {
	}

	/**
	 * The NoSchedule taint keys a node's conditions and cordon call for now: one per
	 * condition of {@link #BY_CONDITION} that is True, and {@link #UNSCHEDULABLE} for a
	 * cordoned node.
	 */
	static Set<String> byCondition(Node node) {
		Set<String> keys = new TreeSet<>();
		if (node.getStatus() != null && node.getStatus().getConditions() != null) {
			node.getStatus()
				.getConditions()
				.stream()
				.filter(c -> "True".equals(c.getStatus()) && BY_CONDITION.containsKey(c.getType()))
				.forEach(c -> keys.add(BY_CONDITION.get(c.getType())));
		}
		if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
			keys.add(UNSCHEDULABLE);
		}
		return keys;
	}

	/** Whether a taint is one {@link #byCondition} owns. */
	static boolean isByCondition(Taint taint) {
		return NO_SCHEDULE.equals(taint.getEffect())
				&& (UNSCHEDULABLE.equals(taint.getKey()) || BY_CONDITION.containsValue(taint.getKey()));
	}

	/** The taint key for a Ready status: unreachable, not-ready, or none when ready. */
	static String keyFor(String readyStatus) {
		return switch (readyStatus) {
			case "Unknown" -> UNREACHABLE;
			case "False" -> NOT_READY;
			default -> null;
		};
	}

	static boolean isOurs(Taint taint) {
		return UNREACHABLE.equals(taint.getKey()) || NOT_READY.equals(taint.getKey());
	}

	static List<Taint> of(Node node) {
		return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
	}

	static boolean has(Node node, String key, String effect) {
		return of(node).stream().anyMatch(t -> key.equals(t.getKey()) && effect.equals(t.getEffect()));
	}

}
