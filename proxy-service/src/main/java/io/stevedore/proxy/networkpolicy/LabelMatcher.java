package io.stevedore.proxy.networkpolicy;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

/**
 * A NetworkPolicy's {@code LabelSelector} as a predicate over labels, with Kubernetes'
 * meaning: an empty selector ({@code {}}) selects everything, {@code matchLabels} and
 * every {@code matchExpressions} requirement must all hold. (The apiserver validated the
 * selector; an unknown operator still fails here, loudly, rather than matching
 * something.)
 */
final class LabelMatcher {

	private LabelMatcher() {
	}

	/**
	 * @throws IllegalArgumentException for an unknown operator or a missing value list
	 */
	static Predicate<Map<String, String>> of(LabelSelector selector) {
		if (selector == null) {
			return labels -> true;
		}
		Map<String, String> exact = (selector.getMatchLabels() != null) ? Map.copyOf(selector.getMatchLabels())
				: Map.of();
		List<Predicate<Map<String, String>>> requirements = (selector.getMatchExpressions() == null) ? List.of()
				: selector.getMatchExpressions().stream().map(LabelMatcher::requirement).toList();
		return labels -> {
			for (Map.Entry<String, String> entry : exact.entrySet()) {
				if (!entry.getValue().equals(labels.get(entry.getKey()))) {
					return false;
				}
			}
			for (Predicate<Map<String, String>> requirement : requirements) {
				if (!requirement.test(labels)) {
					return false;
				}
			}
			return true;
		};
	}

	private static Predicate<Map<String, String>> requirement(LabelSelectorRequirement r) {
		String key = r.getKey();
		List<String> values = (r.getValues() == null) ? List.of() : List.copyOf(r.getValues());
		String operator = String.valueOf(r.getOperator());
		return switch (operator) {
			case "In" -> {
				requireValues(operator, key, values);
				yield labels -> labels.containsKey(key) && values.contains(labels.get(key));
			}
			case "NotIn" -> {
				requireValues(operator, key, values);
				yield labels -> !labels.containsKey(key) || !values.contains(labels.get(key));
			}
			case "Exists" -> labels -> labels.containsKey(key);
			case "DoesNotExist" -> labels -> !labels.containsKey(key);
			default ->
				throw new IllegalArgumentException("\"" + operator + "\" is not a valid label selector operator");
		};
	}

	private static void requireValues(String operator, String key, List<String> values) {
		if (values.isEmpty()) {
			throw new IllegalArgumentException(
					"label selector requirement " + key + " " + operator + " must have at least one value");
		}
	}

}
