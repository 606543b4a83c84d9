package io.stevedore.controller.namespace;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.stevedore.client.rest.ApiResponse;
import io.stevedore.client.rest.RestClient;
import io.stevedore.controller.api.ApiDiscovery;
import io.stevedore.controller.api.ApiResource;

/** {@link NamespaceContent} over the REST API. */
final class RestNamespaceContent implements NamespaceContent {

	private static final ObjectMapper MAPPER = new ObjectMapper()
		.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

	/** Dependents go through the garbage collector, as Kubernetes deletes them. */
	private static final String BACKGROUND = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\"}";

	private final RestClient rest;

	private final ApiDiscovery discovery;

	RestNamespaceContent(RestClient rest, ApiDiscovery discovery) {
		this.rest = rest;
		this.discovery = discovery;
	}

	@Override
	public List<ApiResource> resources() {
		return this.discovery.preferredResources();
	}

	@Override
	public void deleteCollection(ApiResource resource, String namespace) {
		ApiResponse response = this.rest.delete(resource.collectionPath(namespace), BACKGROUND);
		if (!response.notFound()) {
			response.orThrow();
		}
	}

	@Override
	public void delete(ApiResource resource, String namespace, String name) {
		ApiResponse response = this.rest.delete(resource.objectPath(namespace, name), BACKGROUND);
		if (!response.notFound()) {
			response.orThrow();
		}
	}

	@Override
	public List<ObjectMeta> list(ApiResource resource, String namespace) {
		ApiResponse response = this.rest.get(resource.collectionPath(namespace));
		if (response.notFound()) {
			return List.of();
		}
		List<ObjectMeta> items = new ArrayList<>();
		for (JsonNode item : response.orThrow().json().path("items")) {
			items.add(MAPPER.convertValue(item.path("metadata"), ObjectMeta.class));
		}
		return items;
	}

	@Override
	public void finalizeNamespace(String name, List<String> finalizers) {
		ObjectNode body = MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
		body.putObject("metadata").put("name", name);
		body.putObject("spec").set("finalizers", MAPPER.valueToTree(finalizers));
		ApiResponse response = this.rest.put("/api/v1/namespaces/" + name + "/finalize", body.toString());
		if (!response.notFound()) {
			response.orThrow();
		}
	}

	@Override
	public void updateConditions(String name, List<NamespaceCondition> conditions) {
		ObjectNode patch = MAPPER.createObjectNode();
		patch.putObject("status").set("conditions", MAPPER.valueToTree(conditions));
		ApiResponse response = this.rest.patch("/api/v1/namespaces/" + name + "/status", RestClient.MERGE_PATCH,
				patch.toString());
		if (!response.notFound()) {
			response.orThrow();
		}
	}

}
