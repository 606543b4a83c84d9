package io.stevedore.machinery.patch;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * RFC 7386 JSON Merge Patch ({@code application/merge-patch+json}): objects merge key by
 * key, {@code null} deletes a key, anything else (lists included) replaces.
 */
final class JsonMergePatch {

	private JsonMergePatch() {
	}

	static JsonNode apply(JsonNode target, JsonNode patch) {
		if (patch == null || !patch.isObject()) {
			// kube-apiserver patches objects: a bare value or list is not a patch of one.
			throw PatchException.badRequest("Invalid JSON Patch");
		}
		return merge(target, patch);
	}

	private static JsonNode merge(JsonNode target, JsonNode patch) {
		if (!patch.isObject()) {
			return patch.deepCopy();
		}
		ObjectNode result = target != null && target.isObject() ? (ObjectNode) target.deepCopy()
				: JsonNodeFactory.instance.objectNode();
		for (Map.Entry<String, JsonNode> e : patch.properties()) {
			if (e.getValue().isNull()) {
				result.remove(e.getKey());
			}
			else {
				result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue()));
			}
		}
		return result;
	}

}
