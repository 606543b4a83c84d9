package io.stevedore.machinery.validation;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

/**
 * A bad value printed the way kube-apiserver's field.Error prints a Go value, so the text
 * after "Invalid value:" is the one kubectl users know, e.g.
 * {@code map[string]string{"app":"web"}} or {@code v1.LabelSelector{...}}. The wrapped
 * text is what {@link #toString()} returns and FieldError renders.
 */
public record GoValue(String text) {

	@Override
	public String toString() {
		return this.text;
	}

	/** A {@code map[string]string}, keys sorted as Go's fmt prints maps. */
	public static GoValue stringMap(Map<String, String> map) {
		return new GoValue(goStringMap(map));
	}

	/** An IntOrString prints through its String method: {@code 25%} or {@code 1}. */
	public static GoValue intOrString(IntOrString value) {
		if (value == null) {
			return new GoValue("null");
		}
		return new GoValue(value.getIntVal() != null ? String.valueOf(value.getIntVal()) : value.getStrVal());
	}

	public static GoValue labelSelector(LabelSelector selector) {
		if (selector == null) {
			return new GoValue("null");
		}
		StringBuilder sb = new StringBuilder("v1.LabelSelector{MatchLabels:");
		sb.append(goStringMap(selector.getMatchLabels())).append(", MatchExpressions:");
		List<LabelSelectorRequirement> exprs = selector.getMatchExpressions();
		if (exprs == null || exprs.isEmpty()) {
			// fabric8 cannot tell an absent list from an empty one; decoded JSON gives Go
			// a nil.
			sb.append("[]v1.LabelSelectorRequirement(nil)");
		}
		else {
			sb.append("[]v1.LabelSelectorRequirement{");
			for (int i = 0; i < exprs.size(); i++) {
				LabelSelectorRequirement r = exprs.get(i);
				if (i > 0) {
					sb.append(", ");
				}
				sb.append("v1.LabelSelectorRequirement{Key:").append(quote(r.getKey()));
				sb.append(", Operator:").append(quote(r.getOperator())).append(", Values:");
				List<String> values = r.getValues();
				if (values == null) {
					sb.append("[]string(nil)");
				}
				else {
					sb.append("[]string{");
					for (int j = 0; j < values.size(); j++) {
						sb.append(j > 0 ? ", " : "").append(quote(values.get(j)));
					}
					sb.append('}');
				}
				sb.append('}');
			}
			sb.append('}');
		}
		return new GoValue(sb.append('}').toString());
	}

	private static String goStringMap(Map<String, String> map) {
		if (map == null || map.isEmpty()) {
			return "map[string]string(nil)";
		}
		StringBuilder sb = new StringBuilder("map[string]string{");
		boolean first = true;
		for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
			sb.append(first ? "" : ", ").append(quote(e.getKey())).append(':').append(quote(e.getValue()));
			first = false;
		}
		return sb.append('}').toString();
	}

	private static String quote(String s) {
		return "\"" + (s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"")) + "\"";
	}

}
