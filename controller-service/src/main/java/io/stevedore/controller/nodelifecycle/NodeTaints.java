package io.stevedore.controller.nodelifecycle;

import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;

/** The taints the controller owns and how they follow the Ready condition. */
final class NodeTaints {

	static final String UNREACHABLE = "node.kubernetes.io/unreachable";

	static final String NOT_READY = "node.kubernetes.io/not-ready";

	static final String NO_EXECUTE = "NoExecute";

	static final String NO_SCHEDULE = "NoSchedule";

	private NodeTaints() {
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
