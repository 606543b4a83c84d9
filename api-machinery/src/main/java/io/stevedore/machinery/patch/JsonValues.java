package io.stevedore.machinery.patch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON value helpers shared by the patch and apply code. Kubernetes compares decoded
 * JSON, where every number is a float64: {@code 80} and {@code 80.0} are the same value,
 * which Jackson's {@code equals} does not say.
 */
public final class JsonValues {

	private JsonValues() {
	}

	/** Deep equality of two JSON values, numbers compared by value. */
	public static boolean equal(JsonNode a, JsonNode b) {
		if (a == b) {
			return true;
		}
		if (a == null || b == null) {
			return a == b;
		}
		if (a.isNumber() && b.isNumber()) {
			if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
				// Most numbers are ints: no BigDecimal for them.
				return a.longValue() == b.longValue();
			}
			return a.decimalValue().compareTo(b.decimalValue()) == 0;
		}
		if (a.isObject() && b.isObject()) {
			if (a.size() != b.size()) {
				return false;
			}
			for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext();) {
				Map.Entry<String, JsonNode> e = it.next();
				if (!equal(e.getValue(), b.get(e.getKey()))) {
					return false;
				}
			}
			return true;
		}
		if (a.isArray() && b.isArray()) {
			if (a.size() != b.size()) {
				return false;
			}
			for (int i = 0; i < a.size(); i++) {
				if (!equal(a.get(i), b.get(i))) {
					return false;
				}
			}
			return true;
		}
		return a.equals(b);
	}

	/**
	 * The JSON type as Go's decoder sees it: object, array, string, number, bool, null.
	 */
	static String goType(JsonNode node) {
		if (node == null || node.isNull()) {
			return "nil";
		}
		if (node.isObject()) {
			return "map[string]interface {}";
		}
		if (node.isArray()) {
			return "[]interface {}";
		}
		if (node.isNumber()) {
			return "float64";
		}
		if (node.isBoolean()) {
			return "bool";
		}
		return "string";
	}

	/**
	 * A value as Go's {@code %v} prints decoded JSON ({@code map[name:web port:80]}), so
	 * error messages read like kube-apiserver's.
	 */
	public static String goString(JsonNode node) {
		if (node == null || node.isNull()) {
			return "<nil>";
		}
		if (node.isObject()) {
			Map<String, JsonNode> sorted = new TreeMap<>();
			node.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
			List<String> parts = new ArrayList<>();
			sorted.forEach((k, v) -> parts.add(k + ":" + goString(v)));
			return "map[" + String.join(" ", parts) + "]";
		}
		if (node.isArray()) {
			List<String> parts = new ArrayList<>();
			node.forEach(v -> parts.add(goString(v)));
			return "[" + String.join(" ", parts) + "]";
		}
		if (node.isNumber()) {
			return node.decimalValue().stripTrailingZeros().toPlainString();
		}
		return node.asText();
	}

	/** A deep copy that never returns {@code null}: missing becomes JSON null. */
	static JsonNode copy(JsonNode node) {
		return node == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : node.deepCopy();
	}

	static ObjectNode objectCopy(JsonNode node) {
		return (ObjectNode) node.deepCopy();
	}

	static ArrayNode arrayCopy(JsonNode node) {
		return (ArrayNode) node.deepCopy();
	}

}
