package io.stevedore.controller.daemonset;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.stevedore.controller.workload.Tolerations;

/**
 * Whether a daemon pod belongs on a node (Kubernetes' {@code NodeShouldRunDaemonPod}):
 * the nodeSelector and required node affinity must match, and every NoSchedule and
 * NoExecute taint must be tolerated (the pod's tolerations include the DaemonSet
 * defaults). An untolerated NoSchedule taint keeps a running pod; NoExecute does not.
 */
final class NodeEligibility {

	/**
	 * @param shouldRun a pod should be created here @param shouldContinueRunning one here
	 * may stay
	 */
	record Verdict(boolean shouldRun, boolean shouldContinueRunning) {
	}

	private NodeEligibility() {
	}

	static Verdict of(Node node, PodSpec pod) {
		Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
		if (pod.getNodeSelector() != null && !pod.getNodeSelector()
			.entrySet()
			.stream()
			.allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
			return new Verdict(false, false);
		}
		if (!matchesRequiredAffinity(node, pod)) {
			return new Verdict(false, false);
		}
		boolean run = true;
		List<Toleration> tolerations = pod.getTolerations();
		List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
				: node.getSpec().getTaints();
		for (Taint taint : taints) {
			if (Tolerations.matching(tolerations, taint) != null) {
				continue;
			}
			if ("NoExecute".equals(taint.getEffect())) {
				return new Verdict(false, false);
			}
			if ("NoSchedule".equals(taint.getEffect())) {
				run = false;
			}
		}
		return new Verdict(run, true);
	}

	private static boolean matchesRequiredAffinity(Node node, PodSpec pod) {
		if (pod.getAffinity() == null || pod.getAffinity().getNodeAffinity() == null
				|| pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
			return true;
		}
		List<NodeSelectorTerm> terms = pod.getAffinity()
			.getNodeAffinity()
			.getRequiredDuringSchedulingIgnoredDuringExecution()
			.getNodeSelectorTerms();
		if (terms == null || terms.isEmpty()) {
			return false;
		}
		// Terms are ORed; the requirements within one are ANDed.
		return terms.stream().anyMatch(term -> matches(term, node));
	}

	private static boolean matches(NodeSelectorTerm term, Node node) {
		boolean empty = (term.getMatchExpressions() == null || term.getMatchExpressions().isEmpty())
				&& (term.getMatchFields() == null || term.getMatchFields().isEmpty());
		if (empty) {
			return false;
		}
		Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
		if (term.getMatchExpressions() != null) {
			for (NodeSelectorRequirement r : term.getMatchExpressions()) {
				if (!matches(r, labels.get(r.getKey()), labels.containsKey(r.getKey()))) {
					return false;
				}
			}
		}
		if (term.getMatchFields() != null) {
			for (NodeSelectorRequirement r : term.getMatchFields()) {
				boolean known = "metadata.name".equals(r.getKey());
				if (!matches(r, known ? node.getMetadata().getName() : null, known)) {
					return false;
				}
			}
		}
		return true;
	}

	private static boolean matches(NodeSelectorRequirement r, String value, boolean present) {
		List<String> values = r.getValues() == null ? List.of() : r.getValues();
		return switch (r.getOperator()) {
			case "In" -> present && values.contains(value);
			case "NotIn" -> !present || !values.contains(value);
			case "Exists" -> present;
			case "DoesNotExist" -> !present;
			case "Gt", "Lt" -> present && values.size() == 1 && compare(value, values.get(0), r.getOperator());
			default -> false;
		};
	}

	private static boolean compare(String value, String bound, String operator) {
		try {
			long v = Long.parseLong(value);
			long b = Long.parseLong(bound);
			return operator.equals("Gt") ? v > b : v < b;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

}
