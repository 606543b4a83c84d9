package io.stevedore.controller.horizontalpodautoscaler;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.rest.ApiCallException;
import io.stevedore.client.rest.RestClient;

/**
 * The HPA's calls through the apiserver: any resource's /scale subresource (its plural
 * found by discovery, as Kubernetes' scale client uses a REST mapper), pods by selector,
 * and the HPA's status.
 */
final class ClientHpaControl implements HpaControl {

	private final KubernetesClient client;

	private final RestClient rest;

	private final Map<String, String> plurals = new ConcurrentHashMap<>();

	ClientHpaControl(KubernetesClient client, RestClient rest) {
		this.client = client;
		this.rest = rest;
	}

	@Override
	public Scale getScale(String namespace, CrossVersionObjectReference target) {
		JsonNode scale = this.rest.get(scalePath(namespace, target)).orThrow().json();
		String selector = scale.path("status").path("selector").asText("");
		return new Scale(scale.path("spec").path("replicas").asInt(0), scale.path("status").path("replicas").asInt(0),
				selector);
	}

	@Override
	public void updateScale(String namespace, CrossVersionObjectReference target, int replicas) {
		this.rest
			.patch(scalePath(namespace, target), RestClient.MERGE_PATCH, "{\"spec\":{\"replicas\":" + replicas + "}}")
			.orThrow();
	}

	@Override
	public List<Pod> pods(String namespace, String selector) {
		String body = this.rest
			.get("/api/v1/namespaces/" + namespace + "/pods?labelSelector="
					+ URLEncoder.encode(selector, StandardCharsets.UTF_8))
			.orThrow()
			.body();
		return Serialization.unmarshal(body, PodList.class).getItems();
	}

	@Override
	public void updateStatus(HorizontalPodAutoscaler hpa) {
		this.client.resource(hpa).updateStatus();
	}

	private String scalePath(String namespace, CrossVersionObjectReference target) {
		String apiVersion = target.getApiVersion() == null || target.getApiVersion().isEmpty() ? "v1"
				: target.getApiVersion();
		String plural = this.plurals.computeIfAbsent(apiVersion + "/" + target.getKind(),
				(k) -> plural(apiVersion, target.getKind()));
		String prefix = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
		return prefix + "/namespaces/" + namespace + "/" + plural + "/" + target.getName() + "/scale";
	}

	private String plural(String apiVersion, String kind) {
		APIResourceList resources = this.client.getApiResources(apiVersion);
		if (resources != null) {
			for (var resource : resources.getResources()) {
				if (kind.equals(resource.getKind()) && !resource.getName().contains("/")) {
					return resource.getName();
				}
			}
		}
		throw new ApiCallException("no matches for kind \"" + kind + "\" in group version \"" + apiVersion + "\"", 0,
				null);
	}

}
