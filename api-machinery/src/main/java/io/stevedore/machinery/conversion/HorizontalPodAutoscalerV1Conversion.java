package io.stevedore.machinery.conversion;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

/**
 * autoscaling/v1 HorizontalPodAutoscalers, stored as autoscaling/v2, converted as
 * Kubernetes' pkg/apis/autoscaling/v1/conversion.go does: the CPU utilization target is
 * {@code spec.targetCPUUtilizationPercentage} and the current one
 * {@code status.currentCPUUtilizationPercentage}; everything else v2 holds and v1 cannot
 * (other metrics, current metrics, conditions, behavior) travels in the
 * {@code autoscaling.alpha.kubernetes.io/*} annotations, so a v1 client that reads an
 * object and writes it back loses nothing.
 */
public final class HorizontalPodAutoscalerV1Conversion implements VersionConverter {

	/** Metric specs v1 cannot hold, in the v1 (v2beta1) metric shape. */
	public static final String METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics";

	/** Every current metric, the CPU one included (its raw value has no v1 field). */
	public static final String CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics";

	public static final String CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions";

	public static final String BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior";

	private static final List<String> ROUND_TRIP_ANNOTATIONS = List.of(METRICS_ANNOTATION, BEHAVIOR_ANNOTATION,
			CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION);

	/** The target v1 objects had implicitly before v2 made it explicit. */
	private static final int DEFAULT_CPU_UTILIZATION = 80;

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final ResourceType served;

	private final ResourceType storage;

	public HorizontalPodAutoscalerV1Conversion(ResourceRegistry registry) {
		this.served = registry.find("autoscaling", "v1", "horizontalpodautoscalers").orElseThrow();
		this.storage = registry.find("autoscaling", "v2", "horizontalpodautoscalers").orElseThrow();
	}

	@Override
	public ResourceType served() {
		return this.served;
	}

	@Override
	public ResourceType storage() {
		return this.storage;
	}

	@Override
	public ObjectNode toServed(ObjectNode stored) {
		ObjectNode out = NODES.objectNode();
		out.set("kind", stored.path("kind").isMissingNode() ? NODES.textNode(this.served.kind()) : stored.get("kind"));
		out.put("apiVersion", this.served.apiVersion());
		ObjectNode metadata = stored.path("metadata").isObject() ? stored.get("metadata").deepCopy()
				: NODES.objectNode();
		out.set("metadata", metadata);
		dropRoundTripAnnotations(metadata);
		copyOthers(stored, out, "kind", "apiVersion", "metadata", "spec", "status");
		JsonNode spec = stored.path("spec");
		JsonNode status = stored.path("status");
		out.set("spec", specToV1(spec));
		out.set("status", statusToV1(status));

		ArrayNode otherMetrics = NODES.arrayNode();
		for (JsonNode metric : spec.path("metrics")) {
			if (!isCpuUtilization(metric)) {
				otherMetrics.add(HpaMetricsV1.specToV1(metric));
			}
		}
		if (!otherMetrics.isEmpty()) {
			annotate(metadata, METRICS_ANNOTATION, otherMetrics);
		}
		if (HpaMetricsV1.present(spec, "behavior")) {
			annotate(metadata, BEHAVIOR_ANNOTATION, HpaBehaviorAnnotation.encode(spec.get("behavior")));
		}
		ArrayNode currentMetrics = NODES.arrayNode();
		for (JsonNode metric : status.path("currentMetrics")) {
			currentMetrics.add(HpaMetricsV1.statusToV1(metric));
		}
		if (!currentMetrics.isEmpty()) {
			annotate(metadata, CURRENT_METRICS_ANNOTATION, currentMetrics);
		}
		ArrayNode conditions = NODES.arrayNode();
		for (JsonNode condition : status.path("conditions")) {
			conditions.add(condition(condition));
		}
		if (!conditions.isEmpty()) {
			annotate(metadata, CONDITIONS_ANNOTATION, conditions);
		}
		return out;
	}

	@Override
	public ObjectNode toStorage(ObjectNode served) {
		ObjectNode out = NODES.objectNode();
		if (served.has("kind")) {
			out.set("kind", served.get("kind"));
		}
		if (served.has("apiVersion")) {
			String apiVersion = served.get("apiVersion").asText("");
			// Another version stays as sent, for the decoder to refuse as it does any
			// mismatch.
			out.put("apiVersion", apiVersion.equals(this.served.apiVersion()) ? this.storage.apiVersion() : apiVersion);
		}
		ObjectNode metadata = served.path("metadata").isObject() ? served.get("metadata").deepCopy()
				: NODES.objectNode();
		out.set("metadata", metadata);
		copyOthers(served, out, "kind", "apiVersion", "metadata", "spec", "status");
		JsonNode annotations = metadata.path("annotations");

		JsonNode spec = served.path("spec");
		ObjectNode v2Spec = out.putObject("spec");
		copyOthers(spec, v2Spec, "targetCPUUtilizationPercentage");
		if (spec.has("scaleTargetRef")) {
			v2Spec.set("scaleTargetRef", HpaMetricsV1.reference(spec.get("scaleTargetRef")));
		}
		ArrayNode metrics = v2Spec.putArray("metrics");
		for (JsonNode metric : annotationArray(annotations, METRICS_ANNOTATION)) {
			metrics.add(HpaMetricsV1.specToV2(metric));
		}
		if (HpaMetricsV1.present(spec, "targetCPUUtilizationPercentage")) {
			metrics.add(cpuUtilization(spec.get("targetCPUUtilizationPercentage")));
		}
		if (metrics.isEmpty()) {
			metrics.add(cpuUtilization(NODES.numberNode(DEFAULT_CPU_UTILIZATION)));
		}
		if (annotations.has(BEHAVIOR_ANNOTATION)) {
			ObjectNode behavior = HpaBehaviorAnnotation.decode(parseOrNull(annotations.get(BEHAVIOR_ANNOTATION)));
			if (behavior != null) {
				v2Spec.set("behavior", behavior);
			}
		}

		JsonNode status = served.path("status");
		if (status.isObject() || annotations.has(CURRENT_METRICS_ANNOTATION)
				|| annotations.has(CONDITIONS_ANNOTATION)) {
			out.set("status", statusToV2(status, annotations));
		}
		dropRoundTripAnnotations(metadata);
		return out;
	}

	private static ObjectNode specToV1(JsonNode spec) {
		ObjectNode out = NODES.objectNode();
		out.set("scaleTargetRef", HpaMetricsV1.reference(spec.path("scaleTargetRef")));
		HpaMetricsV1.copy(spec, "minReplicas", out, "minReplicas");
		out.put("maxReplicas", spec.path("maxReplicas").asInt(0));
		for (JsonNode metric : spec.path("metrics")) {
			if (isCpu(metric)) {
				HpaMetricsV1.copy(metric.path("resource").path("target"), "averageUtilization", out,
						"targetCPUUtilizationPercentage");
				// The first CPU metric decides, utilization or not.
				break;
			}
		}
		return out;
	}

	private static ObjectNode statusToV1(JsonNode status) {
		ObjectNode out = NODES.objectNode();
		HpaMetricsV1.copy(status, "observedGeneration", out, "observedGeneration");
		HpaMetricsV1.copy(status, "lastScaleTime", out, "lastScaleTime");
		out.put("currentReplicas", status.path("currentReplicas").asInt(0));
		out.put("desiredReplicas", status.path("desiredReplicas").asInt(0));
		for (JsonNode metric : status.path("currentMetrics")) {
			if (isCpu(metric)) {
				HpaMetricsV1.copy(metric.path("resource").path("current"), "averageUtilization", out,
						"currentCPUUtilizationPercentage");
			}
		}
		return out;
	}

	private static ObjectNode statusToV2(JsonNode status, JsonNode annotations) {
		ObjectNode out = NODES.objectNode();
		copyOthers(status, out, "currentCPUUtilizationPercentage");
		if (annotations.has(CURRENT_METRICS_ANNOTATION)) {
			// The annotation has more than the percentage: the raw value too.
			ArrayNode current = out.putArray("currentMetrics");
			for (JsonNode metric : annotationArray(annotations, CURRENT_METRICS_ANNOTATION)) {
				current.add(HpaMetricsV1.statusToV2(metric));
			}
		}
		else if (HpaMetricsV1.present(status, "currentCPUUtilizationPercentage")) {
			ObjectNode cpu = out.putArray("currentMetrics").addObject();
			cpu.put("type", "Resource");
			ObjectNode resource = cpu.putObject("resource");
			resource.put("name", "cpu");
			resource.putObject("current").set("averageUtilization", status.get("currentCPUUtilizationPercentage"));
		}
		if (annotations.has(CONDITIONS_ANNOTATION)) {
			ArrayNode conditions = out.putArray("conditions");
			for (JsonNode condition : annotationArray(annotations, CONDITIONS_ANNOTATION)) {
				conditions.add(condition(condition));
			}
		}
		return out;
	}

	private static boolean isCpuUtilization(JsonNode metric) {
		return isCpu(metric) && HpaMetricsV1.present(metric.path("resource").path("target"), "averageUtilization");
	}

	/** A Resource metric (spec or status) of the pods' CPU. */
	private static boolean isCpu(JsonNode metric) {
		return metric.path("type").asText().equals("Resource")
				&& metric.path("resource").path("name").asText().equals("cpu");
	}

	private static ObjectNode cpuUtilization(JsonNode percentage) {
		ObjectNode metric = NODES.objectNode();
		metric.put("type", "Resource");
		ObjectNode resource = metric.putObject("resource");
		resource.put("name", "cpu");
		ObjectNode target = resource.putObject("target");
		target.put("type", "Utilization");
		target.set("averageUtilization", percentage);
		return metric;
	}

	/** A condition in the field order both versions marshal it in. */
	private static ObjectNode condition(JsonNode condition) {
		ObjectNode out = NODES.objectNode();
		out.put("type", condition.path("type").asText(""));
		out.put("status", condition.path("status").asText(""));
		out.set("lastTransitionTime", condition.path("lastTransitionTime").isMissingNode() ? NODES.nullNode()
				: condition.get("lastTransitionTime"));
		HpaMetricsV1.copy(condition, "reason", out, "reason");
		HpaMetricsV1.copy(condition, "message", out, "message");
		return out;
	}

	private static void annotate(ObjectNode metadata, String key, JsonNode value) {
		ObjectNode annotations = metadata.path("annotations").isObject() ? (ObjectNode) metadata.get("annotations")
				: metadata.putObject("annotations");
		try {
			annotations.put(key, JSON.writeValueAsString(value));
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A round-trip annotation's array; a malformed one fails the request as Kubernetes'
	 * conversion does.
	 */
	private static JsonNode annotationArray(JsonNode annotations, String key) {
		if (!annotations.has(key)) {
			return NODES.arrayNode();
		}
		JsonNode parsed = parseOrNull(annotations.get(key));
		if (parsed == null || !(parsed.isArray() || parsed.isNull())) {
			throw ApiException.badRequest("the annotation " + key + " does not hold a JSON list");
		}
		return parsed.isNull() ? NODES.arrayNode() : parsed;
	}

	private static JsonNode parseOrNull(JsonNode text) {
		try {
			return JSON.readTree(text.asText(""));
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static void dropRoundTripAnnotations(ObjectNode metadata) {
		if (!metadata.path("annotations").isObject()) {
			return;
		}
		ObjectNode annotations = (ObjectNode) metadata.get("annotations");
		annotations.remove(ROUND_TRIP_ANNOTATIONS);
		if (annotations.isEmpty()) {
			metadata.remove("annotations");
		}
	}

	private static void copyOthers(JsonNode from, ObjectNode to, String... except) {
		List<String> skip = List.of(except);
		for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext();) {
			Map.Entry<String, JsonNode> field = it.next();
			if (!skip.contains(field.getKey())) {
				to.set(field.getKey(), field.getValue().deepCopy());
			}
		}
	}

}
