package io.stevedore.machinery.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.stevedore.machinery.registry.ResourceType;

/**
 * The aggregated discovery document (apidiscovery.k8s.io APIGroupDiscoveryList): every
 * group, version, resource and subresource in one response, which is what kubectl 1.32
 * asks for first. {@code /api} holds one item, the core group, whose name is empty;
 * {@code /apis} holds the named groups. v2 and v2beta1 have the same shape.
 */
final class AggregatedDiscovery {

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	private AggregatedDiscovery() {
	}

	/**
	 * @param apiVersion {@code apidiscovery.k8s.io/v2} or
	 * {@code apidiscovery.k8s.io/v2beta1}
	 * @param groups group name to its versions (each with its resource types), in
	 * discovery order
	 */
	static ObjectNode groupDiscoveryList(String apiVersion, Map<String, Map<String, List<ResourceType>>> groups) {
		ObjectNode node = JSON.objectNode();
		node.put("kind", "APIGroupDiscoveryList");
		node.put("apiVersion", apiVersion);
		node.putObject("metadata");
		ArrayNode items = node.putArray("items");
		groups.forEach((group, versions) -> items.add(group(group, versions)));
		return node;
	}

	private static ObjectNode group(String group, Map<String, List<ResourceType>> versions) {
		ObjectNode node = JSON.objectNode();
		ObjectNode metadata = node.putObject("metadata");
		if (!group.isEmpty()) {
			metadata.put("name", group);
		}
		metadata.putNull("creationTimestamp");
		ArrayNode list = node.putArray("versions");
		versions.forEach((version, types) -> {
			ObjectNode v = list.addObject();
			v.put("version", version);
			List<ResourceType> sorted = new ArrayList<>(types);
			sorted.sort(Comparator.comparing(ResourceType::plural));
			ArrayNode resources = v.putArray("resources");
			sorted.forEach(type -> resources.add(resource(type)));
			v.put("freshness", "Current");
		});
		return node;
	}

	private static ObjectNode resource(ResourceType type) {
		ObjectNode node = JSON.objectNode();
		node.put("resource", type.plural());
		node.set("responseKind", kind(type.group(), type.version(), type.kind()));
		node.put("scope", type.namespaced() ? "Namespaced" : "Cluster");
		node.put("singularResource", type.singular());
		DiscoveryDocuments.strings(node.putArray("verbs"), Verbs.of(type));
		if (!type.shortNames().isEmpty()) {
			DiscoveryDocuments.strings(node.putArray("shortNames"), type.shortNames());
		}
		if (!type.categories().isEmpty()) {
			DiscoveryDocuments.strings(node.putArray("categories"), type.categories());
		}
		if (!type.subresources().isEmpty()) {
			ArrayNode subs = node.putArray("subresources");
			type.subresources().stream().sorted().forEach(sub -> {
				SubresourceKind kind = SubresourceKind.of(type, sub);
				ObjectNode s = subs.addObject();
				s.put("subresource", sub);
				s.set("responseKind", kind(kind.group(), kind.version(), kind.kind()));
				DiscoveryDocuments.strings(s.putArray("verbs"), ResourceType.subresourceVerbs(sub));
			});
		}
		return node;
	}

	private static ObjectNode kind(String group, String version, String kind) {
		ObjectNode node = JSON.objectNode();
		node.put("group", group);
		node.put("version", version);
		node.put("kind", kind);
		return node;
	}

}
