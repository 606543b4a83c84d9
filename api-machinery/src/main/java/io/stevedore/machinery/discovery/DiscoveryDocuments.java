package io.stevedore.machinery.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.stevedore.machinery.conversion.Conversions;
import io.stevedore.machinery.conversion.VersionConverter;
import io.stevedore.machinery.registry.ResourceType;

/**
 * Builds the discovery documents as Jackson trees, in the shapes kube-apiserver serves
 * them. Pure functions of the resource types; {@link Discovery} caches the bytes.
 */
final class DiscoveryDocuments {

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	private DiscoveryDocuments() {
	}

	/** {@code /api}. */
	static ObjectNode apiVersions(String serverAddress) {
		ObjectNode node = JSON.objectNode();
		node.put("kind", "APIVersions");
		node.putArray("versions").add("v1");
		ObjectNode cidr = node.putArray("serverAddressByClientCIDRs").addObject();
		cidr.put("clientCIDR", "0.0.0.0/0");
		cidr.put("serverAddress", serverAddress);
		return node;
	}

	/** {@code /apis}: every named group with its versions, in Kubernetes' order. */
	static ObjectNode apiGroupList(List<String> groups, java.util.function.Function<String, List<String>> versions) {
		ObjectNode node = JSON.objectNode();
		node.put("kind", "APIGroupList");
		node.put("apiVersion", "v1");
		ArrayNode items = node.putArray("groups");
		for (String group : groups) {
			items.add(apiGroup(group, versions.apply(group)));
		}
		return node;
	}

	/** {@code /apis/<group>}. */
	static ObjectNode apiGroup(String group, List<String> versions) {
		ObjectNode node = JSON.objectNode();
		node.put("kind", "APIGroup");
		node.put("apiVersion", "v1");
		node.put("name", group);
		ArrayNode list = node.putArray("versions");
		for (String version : versions) {
			list.add(groupVersion(group, version));
		}
		node.set("preferredVersion", groupVersion(group, versions.get(0)));
		return node;
	}

	private static ObjectNode groupVersion(String group, String version) {
		ObjectNode node = JSON.objectNode();
		node.put("groupVersion", group + "/" + version);
		node.put("version", version);
		return node;
	}

	/**
	 * {@code /api/v1} or {@code /apis/<group>/<version>}: resources and their
	 * subresources ({@code pods/status}) sorted by name, as Kubernetes lists them.
	 */
	static ObjectNode apiResourceList(String groupVersion, List<ResourceType> types) {
		ObjectNode node = JSON.objectNode();
		node.put("kind", "APIResourceList");
		node.put("apiVersion", "v1");
		node.put("groupVersion", groupVersion);
		List<ObjectNode> resources = new ArrayList<>();
		for (ResourceType type : types) {
			resources.add(resource(type));
			for (String sub : type.subresources()) {
				resources.add(subresource(type, sub));
			}
		}
		resources.sort(Comparator.comparing(r -> r.get("name").asText()));
		node.putArray("resources").addAll(resources);
		return node;
	}

	private static ObjectNode resource(ResourceType type) {
		ObjectNode node = JSON.objectNode();
		node.put("name", type.plural());
		node.put("singularName", type.singular());
		node.put("namespaced", type.namespaced());
		node.put("kind", type.kind());
		strings(node.putArray("verbs"), Verbs.of(type));
		if (!type.shortNames().isEmpty()) {
			strings(node.putArray("shortNames"), type.shortNames());
		}
		if (!type.categories().isEmpty()) {
			strings(node.putArray("categories"), type.categories());
		}
		// Every version of a resource reports the hash of the one version it is stored
		// in.
		ResourceType stored = Conversions.standard().find(type).map(VersionConverter::storage).orElse(type);
		node.put("storageVersionHash", StorageVersionHash.of(stored.group(), stored.version(), stored.kind()));
		return node;
	}

	private static ObjectNode subresource(ResourceType type, String sub) {
		SubresourceKind kind = SubresourceKind.of(type, sub);
		ObjectNode node = JSON.objectNode();
		node.put("name", type.plural() + "/" + sub);
		node.put("singularName", "");
		node.put("namespaced", type.namespaced());
		if (!kind.group().equals(type.group()) || !kind.version().equals(type.version())) {
			// Legacy discovery names the group/version only when it differs from the
			// parent's (deployments/scale speaks autoscaling/v1 Scale).
			node.put("group", kind.group());
			node.put("version", kind.version());
		}
		node.put("kind", kind.kind());
		strings(node.putArray("verbs"), ResourceType.subresourceVerbs(sub));
		return node;
	}

	static void strings(ArrayNode array, List<String> values) {
		values.forEach(array::add);
	}

}
