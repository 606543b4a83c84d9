package io.stevedore.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The three patch types of the Kubernetes API, applied to JSON trees of whole objects.
 * Inputs are never modified. Failures throw {@link PatchException} carrying the message
 * and HTTP code kube-apiserver answers with.
 */
public final class Patches {

	private Patches() {
	}

	/** {@code application/merge-patch+json}: RFC 7386 JSON Merge Patch. */
	public static JsonNode jsonMergePatch(JsonNode target, JsonNode patch) {
		return JsonMergePatch.apply(target, patch);
	}

	/**
	 * {@code application/json-patch+json}: RFC 6902 JSON Patch (add, remove, replace,
	 * move, copy, test).
	 */
	public static JsonNode jsonPatch(JsonNode target, JsonNode patch) {
		return JsonPatch.apply(target, patch);
	}

	/**
	 * {@code application/strategic-merge-patch+json}, with the merge keys and strategies
	 * of {@code javaType} (a fabric8 model class such as {@code Deployment.class}).
	 */
	public static JsonNode strategicMergePatch(JsonNode target, JsonNode patch, Class<?> javaType) {
		return StrategicMergePatch.apply(target, patch, javaType);
	}

}
