package io.stevedore.nodeagent.node;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;

/**
 * The events the kubelet records when its node's conditions move ("Node X status is now:
 * NodeHasSufficientMemory"), as Kubernetes' node status setters do: a pressure condition
 * records one whenever its status changes, its first appearance included; Ready only when
 * an existing Ready changes status (False or Unknown to True is NodeReady, the reverse
 * NodeNotReady).
 */
final class NodeConditionEvents {

	private NodeConditionEvents() {
	}

	/**
	 * The reasons to record, in the conditions' order, for a status going from one to the
	 * next.
	 */
	static List<String> between(NodeStatus previous, NodeStatus next) {
		List<String> reasons = new ArrayList<>();
		if (next == null || next.getConditions() == null) {
			return reasons;
		}
		for (NodeCondition condition : next.getConditions()) {
			String before = statusOf(previous, condition.getType());
			String now = condition.getStatus();
			if (now == null || now.equals(before)) {
				continue;
			}
			boolean on = "True".equals(now);
			switch (condition.getType()) {
				case "MemoryPressure" -> reasons.add(on ? "NodeHasInsufficientMemory" : "NodeHasSufficientMemory");
				case "DiskPressure" -> reasons.add(on ? "NodeHasDiskPressure" : "NodeHasNoDiskPressure");
				case "PIDPressure" -> reasons.add(on ? "NodeHasInsufficientPID" : "NodeHasSufficientPID");
				case "Ready" -> {
					if (before != null) {
						reasons.add(on ? "NodeReady" : "NodeNotReady");
					}
				}
				default -> {
				}
			}
		}
		return reasons;
	}

	private static String statusOf(NodeStatus status, String type) {
		if (status == null || status.getConditions() == null) {
			return null;
		}
		for (NodeCondition condition : status.getConditions()) {
			if (type.equals(condition.getType())) {
				return condition.getStatus();
			}
		}
		return null;
	}

}
