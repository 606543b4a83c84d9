package io.stevedore.machinery.conversion;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code autoscaling.alpha.kubernetes.io/behavior} annotation. Kubernetes marshals
 * its internal HorizontalPodAutoscalerBehavior there, a type without json tags, so the
 * keys are Go's field names ({@code ScaleUp}, {@code StabilizationWindowSeconds}) and
 * unset pointers are {@code null}; it reads them back case-insensitively, as Go's
 * encoding/json does. Kept that way so objects move between Stevedore and Kubernetes
 * apiservers unchanged.
 */
final class HpaBehaviorAnnotation {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private HpaBehaviorAnnotation() {
	}

	/** v2 {@code spec.behavior} → the annotation's tree. */
	static ObjectNode encode(JsonNode behavior) {
		ObjectNode out = NODES.objectNode();
		out.set("ScaleUp", rules(behavior.get("scaleUp")));
		out.set("ScaleDown", rules(behavior.get("scaleDown")));
		return out;
	}

	/**
	 * The annotation's tree → v2 {@code spec.behavior}, or {@code null} when it is not an
	 * object or sets nothing (Kubernetes moves only well-formed data to the field).
	 */
	static ObjectNode decode(JsonNode annotation) {
		if (annotation == null || !annotation.isObject()) {
			return null;
		}
		ObjectNode out = NODES.objectNode();
		for (String direction : new String[] { "scaleUp", "scaleDown" }) {
			JsonNode rules = field(annotation, direction);
			if (rules != null && rules.isObject()) {
				out.set(direction, decodeRules(rules));
			}
		}
		return out.isEmpty() ? null : out;
	}

	private static JsonNode rules(JsonNode rules) {
		if (rules == null || !rules.isObject()) {
			return NODES.nullNode();
		}
		ObjectNode out = NODES.objectNode();
		out.set("StabilizationWindowSeconds", orNull(rules.get("stabilizationWindowSeconds")));
		out.set("SelectPolicy", orNull(rules.get("selectPolicy")));
		JsonNode policies = rules.get("policies");
		if (policies == null || !policies.isArray()) {
			out.putNull("Policies");
		}
		else {
			ArrayNode list = out.putArray("Policies");
			for (JsonNode policy : policies) {
				ObjectNode p = list.addObject();
				p.put("Type", policy.path("type").asText(""));
				p.put("Value", policy.path("value").asInt(0));
				p.put("PeriodSeconds", policy.path("periodSeconds").asInt(0));
			}
		}
		return out;
	}

	private static ObjectNode decodeRules(JsonNode rules) {
		ObjectNode out = NODES.objectNode();
		JsonNode window = field(rules, "stabilizationWindowSeconds");
		if (window != null && window.isNumber()) {
			out.put("stabilizationWindowSeconds", window.asInt());
		}
		JsonNode select = field(rules, "selectPolicy");
		if (select != null && select.isTextual()) {
			out.put("selectPolicy", select.asText());
		}
		JsonNode policies = field(rules, "policies");
		if (policies != null && policies.isArray()) {
			ArrayNode list = out.putArray("policies");
			for (JsonNode policy : policies) {
				ObjectNode p = list.addObject();
				p.put("type", text(field(policy, "type")));
				p.put("value", number(field(policy, "value")));
				p.put("periodSeconds", number(field(policy, "periodSeconds")));
			}
		}
		return out;
	}

	/** Go's encoding/json: an exact key first, else one equal ignoring case. */
	private static JsonNode field(JsonNode object, String name) {
		if (object.has(name)) {
			return object.get(name);
		}
		String lower = name.toLowerCase(Locale.ROOT);
		for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
			Map.Entry<String, JsonNode> entry = it.next();
			if (entry.getKey().toLowerCase(Locale.ROOT).equals(lower)) {
				return entry.getValue();
			}
		}
		return null;
	}

	private static JsonNode orNull(JsonNode value) {
		return value == null ? NODES.nullNode() : value;
	}

	private static String text(JsonNode value) {
		return value == null ? "" : value.asText("");
	}

	private static int number(JsonNode value) {
		return value == null ? 0 : value.asInt(0);
	}

}
