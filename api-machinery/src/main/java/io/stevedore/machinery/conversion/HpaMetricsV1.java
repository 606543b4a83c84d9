package io.stevedore.machinery.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * autoscaling/v2 metric specs and statuses in the older shape autoscaling/v1 keeps in its
 * round-trip annotations (the v2beta1 shape: {@code metricName},
 * {@code targetAverageValue}, ...), and back: Kubernetes'
 * {@code Convert_*MetricSource*}/{@code Convert_*MetricStatus*} functions of
 * pkg/apis/autoscaling/v1. Fields come out in the order Go marshals them.
 */
final class HpaMetricsV1 {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	/** Go's zero resource.Quantity, for non-pointer quantities left unset. */
	private static final String ZERO = "0";

	private HpaMetricsV1() {
	}

	static ObjectNode specToV1(JsonNode m) {
		ObjectNode out = NODES.objectNode();
		out.put("type", m.path("type").asText(""));
		if (present(m, "object")) {
			JsonNode o = m.get("object");
			JsonNode target = o.path("target");
			ObjectNode v = out.putObject("object");
			v.set("target", reference(o.path("describedObject")));
			v.put("metricName", o.path("metric").path("name").asText(""));
			v.set("targetValue", quantity(target, "value"));
			copy(o.path("metric"), "selector", v, "selector");
			copy(target, "averageValue", v, "averageValue");
		}
		if (present(m, "pods")) {
			JsonNode p = m.get("pods");
			ObjectNode v = out.putObject("pods");
			v.put("metricName", p.path("metric").path("name").asText(""));
			v.set("targetAverageValue", quantity(p.path("target"), "averageValue"));
			copy(p.path("metric"), "selector", v, "selector");
		}
		if (present(m, "resource")) {
			out.set("resource", resourceSpecToV1(m.get("resource"), false));
		}
		if (present(m, "containerResource")) {
			out.set("containerResource", resourceSpecToV1(m.get("containerResource"), true));
		}
		if (present(m, "external")) {
			JsonNode e = m.get("external");
			JsonNode target = e.path("target");
			ObjectNode v = out.putObject("external");
			v.put("metricName", e.path("metric").path("name").asText(""));
			copy(e.path("metric"), "selector", v, "metricSelector");
			copy(target, "value", v, "targetValue");
			copy(target, "averageValue", v, "targetAverageValue");
		}
		return out;
	}

	static ObjectNode specToV2(JsonNode m) {
		ObjectNode out = NODES.objectNode();
		out.put("type", m.path("type").asText(""));
		if (present(m, "object")) {
			JsonNode o = m.get("object");
			ObjectNode v = out.putObject("object");
			v.set("describedObject", reference(o.path("target")));
			v.set("metric", identifier(o, "selector"));
			ObjectNode target = v.putObject("target");
			target.put("type", present(o, "averageValue") ? "AverageValue" : "Value");
			// Go converts with Value: &in.TargetValue, so a value is always there.
			target.set("value", quantity(o, "targetValue"));
			copy(o, "averageValue", target, "averageValue");
		}
		if (present(m, "pods")) {
			JsonNode p = m.get("pods");
			ObjectNode v = out.putObject("pods");
			v.set("metric", identifier(p, "selector"));
			ObjectNode target = v.putObject("target");
			target.put("type", "AverageValue");
			target.set("averageValue", quantity(p, "targetAverageValue"));
		}
		if (present(m, "resource")) {
			out.set("resource", resourceSpecToV2(m.get("resource"), false));
		}
		if (present(m, "containerResource")) {
			out.set("containerResource", resourceSpecToV2(m.get("containerResource"), true));
		}
		if (present(m, "external")) {
			JsonNode e = m.get("external");
			ObjectNode v = out.putObject("external");
			v.set("metric", identifier(e, "metricSelector"));
			ObjectNode target = v.putObject("target");
			target.put("type", present(e, "targetValue") ? "Value" : "AverageValue");
			copy(e, "targetValue", target, "value");
			copy(e, "targetAverageValue", target, "averageValue");
		}
		return out;
	}

	static ObjectNode statusToV1(JsonNode m) {
		ObjectNode out = NODES.objectNode();
		out.put("type", m.path("type").asText(""));
		if (present(m, "object")) {
			JsonNode o = m.get("object");
			JsonNode current = o.path("current");
			ObjectNode v = out.putObject("object");
			v.set("target", reference(o.path("describedObject")));
			v.put("metricName", o.path("metric").path("name").asText(""));
			v.set("currentValue", quantity(current, "value"));
			copy(o.path("metric"), "selector", v, "selector");
			copy(current, "averageValue", v, "averageValue");
		}
		if (present(m, "pods")) {
			JsonNode p = m.get("pods");
			ObjectNode v = out.putObject("pods");
			v.put("metricName", p.path("metric").path("name").asText(""));
			v.set("currentAverageValue", quantity(p.path("current"), "averageValue"));
			copy(p.path("metric"), "selector", v, "selector");
		}
		for (String key : new String[] { "resource", "containerResource" }) {
			if (present(m, key)) {
				JsonNode r = m.get(key);
				ObjectNode v = out.putObject(key);
				v.put("name", r.path("name").asText(""));
				copy(r.path("current"), "averageUtilization", v, "currentAverageUtilization");
				v.set("currentAverageValue", quantity(r.path("current"), "averageValue"));
				if (key.equals("containerResource")) {
					v.put("container", r.path("container").asText(""));
				}
			}
		}
		if (present(m, "external")) {
			JsonNode e = m.get("external");
			ObjectNode v = out.putObject("external");
			v.put("metricName", e.path("metric").path("name").asText(""));
			copy(e.path("metric"), "selector", v, "metricSelector");
			v.set("currentValue", quantity(e.path("current"), "value"));
			copy(e.path("current"), "averageValue", v, "currentAverageValue");
		}
		return out;
	}

	static ObjectNode statusToV2(JsonNode m) {
		ObjectNode out = NODES.objectNode();
		out.put("type", m.path("type").asText(""));
		if (present(m, "object")) {
			JsonNode o = m.get("object");
			ObjectNode v = out.putObject("object");
			v.set("metric", identifier(o, "selector"));
			ObjectNode current = v.putObject("current");
			current.set("value", quantity(o, "currentValue"));
			copy(o, "averageValue", current, "averageValue");
			v.set("describedObject", reference(o.path("target")));
		}
		if (present(m, "pods")) {
			JsonNode p = m.get("pods");
			ObjectNode v = out.putObject("pods");
			v.set("metric", identifier(p, "selector"));
			v.putObject("current").set("averageValue", quantity(p, "currentAverageValue"));
		}
		for (String key : new String[] { "resource", "containerResource" }) {
			if (present(m, key)) {
				JsonNode r = m.get(key);
				ObjectNode v = out.putObject(key);
				v.put("name", r.path("name").asText(""));
				ObjectNode current = v.putObject("current");
				current.set("averageValue", quantity(r, "currentAverageValue"));
				copy(r, "currentAverageUtilization", current, "averageUtilization");
				if (key.equals("containerResource")) {
					v.put("container", r.path("container").asText(""));
				}
			}
		}
		if (present(m, "external")) {
			JsonNode e = m.get("external");
			ObjectNode v = out.putObject("external");
			v.set("metric", identifier(e, "metricSelector"));
			ObjectNode current = v.putObject("current");
			current.set("value", quantity(e, "currentValue"));
			copy(e, "currentAverageValue", current, "averageValue");
		}
		return out;
	}

	private static ObjectNode resourceSpecToV1(JsonNode r, boolean container) {
		ObjectNode v = NODES.objectNode();
		v.put("name", r.path("name").asText(""));
		copy(r.path("target"), "averageUtilization", v, "targetAverageUtilization");
		copy(r.path("target"), "averageValue", v, "targetAverageValue");
		if (container) {
			v.put("container", r.path("container").asText(""));
		}
		return v;
	}

	private static ObjectNode resourceSpecToV2(JsonNode r, boolean container) {
		ObjectNode v = NODES.objectNode();
		v.put("name", r.path("name").asText(""));
		ObjectNode target = v.putObject("target");
		target.put("type", present(r, "targetAverageUtilization") ? "Utilization" : "AverageValue");
		copy(r, "targetAverageUtilization", target, "averageUtilization");
		copy(r, "targetAverageValue", target, "averageValue");
		if (container) {
			v.put("container", r.path("container").asText(""));
		}
		return v;
	}

	/** A v1 metric name and selector as a v2 MetricIdentifier. */
	private static ObjectNode identifier(JsonNode source, String selectorField) {
		ObjectNode id = NODES.objectNode();
		id.put("name", source.path("metricName").asText(""));
		copy(source, selectorField, id, "selector");
		return id;
	}

	/** A CrossVersionObjectReference: kind and name always, apiVersion when set. */
	static ObjectNode reference(JsonNode ref) {
		ObjectNode out = NODES.objectNode();
		out.put("kind", ref.path("kind").asText(""));
		out.put("name", ref.path("name").asText(""));
		copy(ref, "apiVersion", out, "apiVersion");
		return out;
	}

	private static JsonNode quantity(JsonNode source, String field) {
		return present(source, field) ? source.get(field) : NODES.textNode(ZERO);
	}

	static boolean present(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return value != null && !value.isNull() && !value.isMissingNode();
	}

	static void copy(JsonNode from, String field, ObjectNode to, String as) {
		if (present(from, field)) {
			to.set(as, from.get(field));
		}
	}

}
