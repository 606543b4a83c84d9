package io.stevedore.machinery.conversion;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.machinery.validation.EventsV1Validation;

/**
 * events.k8s.io/v1 Events, stored as core/v1 Events: Kubernetes keeps one Event storage
 * and serves it under both groups (pkg/apis/events/v1/conversion.go). Only field names
 * differ: regarding is involvedObject, note is message, reportingController is
 * reportingComponent, and the fields of the old API carry a {@code deprecated} prefix
 * (source, firstTimestamp, lastTimestamp, count). The rest (eventTime, series, related,
 * action, reason, type, reportingInstance) has the same name and shape in both.
 */
public final class EventsV1Conversion implements VersionConverter {

	/** events.k8s.io/v1 name to core/v1 name, for the fields whose names differ. */
	private static final Map<String, String> RENAMED = Map.of("regarding", "involvedObject", "note", "message",
			"reportingController", "reportingComponent", "deprecatedSource", "source", "deprecatedFirstTimestamp",
			"firstTimestamp", "deprecatedLastTimestamp", "lastTimestamp", "deprecatedCount", "count");

	private static final Map<String, String> RENAMED_BACK = inverse(RENAMED);

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final ResourceType served;

	private final ResourceType storage;

	public EventsV1Conversion(ResourceRegistry registry) {
		this.served = registry.find("events.k8s.io", "v1", "events").orElseThrow();
		this.storage = registry.find("", "v1", "events").orElseThrow();
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
	public ObjectNode toStorage(ObjectNode served) {
		return convert(served, RENAMED, this.served.apiVersion(), this.storage.apiVersion());
	}

	@Override
	public List<FieldError> validateCreate(ObjectNode served) {
		return EventsV1Validation.validateCreate(served);
	}

	@Override
	public ObjectNode toServed(ObjectNode stored) {
		ObjectNode out = convert(stored, RENAMED_BACK, this.storage.apiVersion(), this.served.apiVersion());
		if (!out.has("kind")) {
			out.put("kind", this.served.kind());
		}
		out.put("apiVersion", this.served.apiVersion());
		return out;
	}

	/**
	 * A copy of the object with its fields renamed. A field that only the target version
	 * has under that name (a core {@code message} sent to events.k8s.io) is no field of
	 * the source version: Kubernetes' decoder drops it, and so does this, so it cannot
	 * slip into the other field's place.
	 */
	private static ObjectNode convert(ObjectNode from, Map<String, String> renames, String fromApiVersion,
			String toApiVersion) {
		ObjectNode out = NODES.objectNode();
		Set<String> targetOnly = Set.copyOf(renames.values());
		for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext();) {
			Map.Entry<String, JsonNode> field = it.next();
			String name = field.getKey();
			JsonNode value = field.getValue();
			if (name.equals("apiVersion")) {
				// Another version stays as sent, for the decoder to refuse as it does any
				// mismatch.
				String apiVersion = value.asText("");
				out.put("apiVersion", apiVersion.equals(fromApiVersion) ? toApiVersion : apiVersion);
			}
			else if (renames.containsKey(name)) {
				out.set(renames.get(name), value.deepCopy());
			}
			else if (!targetOnly.contains(name)) {
				out.set(name, value.deepCopy());
			}
		}
		return out;
	}

	private static Map<String, String> inverse(Map<String, String> map) {
		Map<String, String> inverse = new HashMap<>();
		map.forEach((k, v) -> inverse.put(v, k));
		return Map.copyOf(inverse);
	}

}
