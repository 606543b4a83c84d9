package io.stevedore.scheduler.plugins.nodeaffinity;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;

/**
 * Kubernetes' {@code nodeaffinity.NodeSelector} matching: terms are ORed, the
 * requirements of one term ANDed; a term with no requirements matches nothing. A
 * requirement that cannot be evaluated (Gt with a non-integer, an unknown operator) does
 * not match, so the pod stays Pending rather than landing anywhere.
 */
public final class NodeSelectorTerms {

	private NodeSelectorTerms() {
	}

	public static boolean matchesAny(List<NodeSelectorTerm> terms, String nodeName, Map<String, String> labels) {
		if (terms == null) {
			return false;
		}
		for (NodeSelectorTerm term : terms) {
			if (matches(term, nodeName, labels)) {
				return true;
			}
		}
		return false;
	}

	public static boolean matches(NodeSelectorTerm term, String nodeName, Map<String, String> labels) {
		List<NodeSelectorRequirement> expressions = term.getMatchExpressions() == null ? List.of()
				: term.getMatchExpressions();
		List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
		if (expressions.isEmpty() && fields.isEmpty()) {
			return false;
		}
		for (NodeSelectorRequirement requirement : expressions) {
			if (!matches(requirement, labels.get(requirement.getKey()), labels.containsKey(requirement.getKey()))) {
				return false;
			}
		}
		for (NodeSelectorRequirement requirement : fields) {
			// metadata.name is the only field Kubernetes supports here.
			if (!"metadata.name".equals(requirement.getKey()) || !matches(requirement, nodeName, true)) {
				return false;
			}
		}
		return true;
	}

	static boolean matches(NodeSelectorRequirement requirement, String value, boolean present) {
		List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
		String operator = String.valueOf(requirement.getOperator());
		return switch (operator) {
			case "In" -> present && values.contains(value);
			case "NotIn" -> !present || !values.contains(value);
			case "Exists" -> present;
			case "DoesNotExist" -> !present;
			case "Gt", "Lt" -> present && values.size() == 1 && compare(value, values.get(0), operator);
			default -> false;
		};
	}

	private static boolean compare(String value, String bound, String operator) {
		try {
			long actual = Long.parseLong(value);
			long limit = Long.parseLong(bound);
			return "Gt".equals(operator) ? actual > limit : actual < limit;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

}
