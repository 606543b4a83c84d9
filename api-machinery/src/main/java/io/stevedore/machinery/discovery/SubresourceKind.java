package io.stevedore.machinery.discovery;

import io.stevedore.machinery.registry.ResourceType;

/**
 * The group/version/kind a subresource speaks. The kind comes from
 * {@link ResourceType#subresourceKind}; the group/version is the parent's except for the
 * kinds that live elsewhere (Scale in autoscaling/v1, Eviction in policy/v1).
 */
record SubresourceKind(String group, String version, String kind) {

	static SubresourceKind of(ResourceType type, String subresource) {
		String kind = type.subresourceKind(subresource);
		return switch (kind) {
			case "Scale" -> new SubresourceKind("autoscaling", "v1", kind);
			case "Eviction" -> new SubresourceKind("policy", "v1", kind);
			case "Binding" -> new SubresourceKind("", "v1", kind);
			default -> new SubresourceKind(type.group(), type.version(), kind);
		};
	}

}
