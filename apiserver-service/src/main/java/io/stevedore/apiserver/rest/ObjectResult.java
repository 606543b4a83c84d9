package io.stevedore.apiserver.rest;

import java.util.List;

import io.stevedore.machinery.registry.ResourceType;

/**
 * A single object answer.
 *
 * @param json the object as the client receives it (resourceVersion included)
 * @param type the resource the object is of, for Table rendering; {@code null} for
 * subresource kinds (Scale, Status) that have no printer
 * @param warnings texts for Warning headers
 */
public record ObjectResult(int code, ResourceType type, byte[] json, List<String> warnings) {

	public static ObjectResult ok(ResourceType type, byte[] json) {
		return new ObjectResult(200, type, json, List.of());
	}

}
