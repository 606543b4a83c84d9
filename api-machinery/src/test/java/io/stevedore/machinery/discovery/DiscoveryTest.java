package io.stevedore.machinery.discovery;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiscoveryTest {

	/** What client-go's discovery client sends for /api and /apis (kubectl 1.32). */
	static final String KUBECTL_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
			+ "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

	final ObjectMapper mapper = new ObjectMapper();

	final Discovery discovery = Discovery.of(ResourceRegistry.standard(), "127.0.0.1:6443");

	JsonNode get(String path, String accept) throws Exception {
		return this.mapper.readTree(this.discovery.serve(path, accept).orElseThrow().body());
	}

	JsonNode resource(JsonNode list, String name) {
		for (JsonNode r : list.get("resources")) {
			if (r.get("name").asText().equals(name)) {
				return r;
			}
		}
		throw new AssertionError(name + " not in " + list);
	}

	JsonNode aggregated(JsonNode list, String group, String resource) {
		for (JsonNode item : list.get("items")) {
			if (item.get("metadata").path("name").asText("").equals(group)) {
				for (JsonNode r : item.get("versions").get(0).get("resources")) {
					if (r.get("resource").asText().equals(resource)) {
						return r;
					}
				}
			}
		}
		throw new AssertionError(group + "/" + resource + " not in " + list);
	}

	@Test
	void kubectlAcceptHeaderGetsAggregatedV2WithTheContentTypeClientGoDecodesBy() {
		Discovery.Response response = this.discovery.serve("/apis", KUBECTL_ACCEPT).orElseThrow();
		assertThat(response.contentType())
			.isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
		assertThat(response.etag()).startsWith("\"").endsWith("\"");
	}

	@ParameterizedTest(name = "[{index}] path {0} with Accept \"{1}\" answers {2}")
	@CsvSource(delimiter = '|', nullValues = "NULL",
			textBlock = """
					/api  | NULL                                                                            | LEGACY
					/api  | application/json, */*                                                           | LEGACY
					/apis | application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList        | AGGREGATED_V2BETA1
					/apis | application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;profile=nopeer | AGGREGATED_V2
					/apis | application/json;q=0.5,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList | AGGREGATED_V2
					/apis | application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json | LEGACY
					/api/v1 | application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json | LEGACY
					/apis/apps/v1 | */*                                                                     | LEGACY
					""")
	void theRepresentationFollowsTheAcceptHeader(String path, String accept, DiscoveryMediaType expected) {
		assertThat(this.discovery.serve(path, accept).orElseThrow().contentType()).isEqualTo(expected.contentType());
	}

	@Test
	void anAcceptHeaderWithNothingServedIsNotAcceptable() {
		assertThatThrownBy(() -> this.discovery.serve("/apis", "application/vnd.kubernetes.protobuf"))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.code()).isEqualTo(406));
		assertThatThrownBy(() -> this.discovery.serve("/api/v1",
				"application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.code()).isEqualTo(406));
	}

	@Test
	void pathsThatAreNotDiscoveryAreLeftToTheCaller() {
		assertThat(this.discovery.serve("/api/v1/pods", null)).isEmpty();
		assertThat(this.discovery.serve("/apis/example.com/v1", null)).isEmpty();
		assertThat(this.discovery.handles("/apis/apps/v1/")).isTrue();
	}

	@Test
	void versionSpeaksAsKubernetes132SoKubectlDoesNotWarnOfSkew() throws Exception {
		JsonNode version = get("/version", null);
		assertThat(version.get("major").asText()).isEqualTo("1");
		assertThat(version.get("minor").asText()).isEqualTo("32");
		assertThat(version.get("gitVersion").asText()).isEqualTo("v1.32.0-stevedore");
		assertThat(version.get("platform").asText()).startsWith("linux/");
		assertThat(version.has("goVersion")).isTrue();
		assertThat(version.has("buildDate")).isTrue();
	}

	@Test
	void apiListsV1AndTheServerAddress() throws Exception {
		JsonNode api = get("/api", "application/json");
		assertThat(api.get("kind").asText()).isEqualTo("APIVersions");
		assertThat(api.get("versions").toString()).isEqualTo("[\"v1\"]");
		assertThat(api.at("/serverAddressByClientCIDRs/0/serverAddress").asText()).isEqualTo("127.0.0.1:6443");
		assertThat(api.at("/serverAddressByClientCIDRs/0/clientCIDR").asText()).isEqualTo("0.0.0.0/0");
	}

	@Test
	void apisListsGroupsInKubernetesPriorityOrderWithPreferredVersions() throws Exception {
		JsonNode apis = get("/apis", "application/json");
		List<String> names = new ArrayList<>();
		apis.get("groups").forEach(g -> names.add(g.get("name").asText()));
		assertThat(names).containsExactly("apps", "events.k8s.io", "autoscaling", "batch", "certificates.k8s.io",
				"networking.k8s.io", "policy", "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io",
				"coordination.k8s.io", "discovery.k8s.io");
		assertThat(apis.at("/groups/0/preferredVersion/groupVersion").asText()).isEqualTo("apps/v1");
		assertThat(apis.at("/groups/2/versions/0/groupVersion").asText()).isEqualTo("autoscaling/v2");
		assertThat(get("/apis/apps", null).get("kind").asText()).isEqualTo("APIGroup");
	}

	@Test
	void autoscalingServesV2PreferredAndV1WithOneStorageVersionHash() throws Exception {
		JsonNode apis = get("/apis", "application/json");
		JsonNode autoscaling = apis.at("/groups/2");
		assertThat(autoscaling.at("/versions/0/groupVersion").asText()).isEqualTo("autoscaling/v2");
		assertThat(autoscaling.at("/versions/1/groupVersion").asText()).isEqualTo("autoscaling/v1");
		assertThat(autoscaling.at("/preferredVersion/groupVersion").asText()).isEqualTo("autoscaling/v2");
		JsonNode v1 = resource(get("/apis/autoscaling/v1", null), "horizontalpodautoscalers");
		JsonNode v2 = resource(get("/apis/autoscaling/v2", null), "horizontalpodautoscalers");
		assertThat(v1.get("kind").asText()).isEqualTo("HorizontalPodAutoscaler");
		assertThat(v1.get("shortNames").toString()).isEqualTo("[\"hpa\"]");
		assertThat(v1.get("storageVersionHash").asText()).isEqualTo(v2.get("storageVersionHash").asText());
		assertThat(resource(get("/apis/autoscaling/v1", null), "horizontalpodautoscalers/status").get("kind").asText())
			.isEqualTo("HorizontalPodAutoscaler");
	}

	@Test
	void legacyResourceListDescribesResourcesLikeKubeApiserver() throws Exception {
		JsonNode v1 = get("/api/v1", null);
		assertThat(v1.get("groupVersion").asText()).isEqualTo("v1");
		JsonNode pods = resource(v1, "pods");
		assertThat(pods.get("singularName").asText()).isEqualTo("pod");
		assertThat(pods.get("namespaced").asBoolean()).isTrue();
		assertThat(pods.get("kind").asText()).isEqualTo("Pod");
		assertThat(pods.get("verbs").toString())
			.isEqualTo("[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]");
		assertThat(pods.get("shortNames").toString()).isEqualTo("[\"po\"]");
		assertThat(pods.get("categories").toString()).isEqualTo("[\"all\"]");
		// the value real clusters report for core/v1 Pod
		assertThat(pods.get("storageVersionHash").asText()).isEqualTo("xPOwRZ+Yhw8=");
		assertThat(resource(v1, "namespaces").get("verbs").toString()).doesNotContain("deletecollection");
		assertThat(resource(v1, "nodes").get("namespaced").asBoolean()).isFalse();
		assertThat(resource(v1, "secrets").has("shortNames")).isFalse();
	}

	@Test
	void legacySubresourcesCarryTheirVerbsAndKinds() throws Exception {
		JsonNode v1 = get("/api/v1", null);
		assertThat(resource(v1, "pods/status").toString()).isEqualTo(
				"{\"name\":\"pods/status\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\",\"patch\",\"update\"]}");
		assertThat(resource(v1, "pods/binding").get("kind").asText()).isEqualTo("Binding");
		assertThat(resource(v1, "pods/binding").get("verbs").toString()).isEqualTo("[\"create\"]");
		JsonNode eviction = resource(v1, "pods/eviction");
		assertThat(eviction.get("group").asText()).isEqualTo("policy");
		assertThat(eviction.get("version").asText()).isEqualTo("v1");
		assertThat(eviction.get("kind").asText()).isEqualTo("Eviction");
		JsonNode scale = resource(get("/apis/apps/v1", null), "deployments/scale");
		assertThat(scale.get("group").asText()).isEqualTo("autoscaling");
		assertThat(scale.get("kind").asText()).isEqualTo("Scale");
		assertThat(scale.get("verbs").toString()).isEqualTo("[\"get\",\"patch\",\"update\"]");
	}

	@Test
	void aggregatedCoreGroupIsOneUnnamedItem() throws Exception {
		JsonNode api = get("/api", KUBECTL_ACCEPT);
		assertThat(api.get("kind").asText()).isEqualTo("APIGroupDiscoveryList");
		assertThat(api.get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
		assertThat(api.get("items")).hasSize(1);
		assertThat(api.at("/items/0/metadata").has("name")).isFalse();
		assertThat(api.at("/items/0/versions/0/version").asText()).isEqualTo("v1");
		assertThat(api.at("/items/0/versions/0/freshness").asText()).isEqualTo("Current");
		JsonNode pods = aggregated(api, "", "pods");
		assertThat(pods.get("responseKind").toString())
			.isEqualTo("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}");
		assertThat(pods.get("scope").asText()).isEqualTo("Namespaced");
		assertThat(pods.get("singularResource").asText()).isEqualTo("pod");
		assertThat(pods.get("shortNames").toString()).isEqualTo("[\"po\"]");
		assertThat(pods.get("subresources").toString()).isEqualTo("[{\"subresource\":\"binding\",\"responseKind\":"
				+ "{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Binding\"},\"verbs\":[\"create\"]},"
				+ "{\"subresource\":\"ephemeralcontainers\",\"responseKind\":{\"group\":\"\",\"version\":\"v1\","
				+ "\"kind\":\"Pod\"},\"verbs\":[\"get\",\"patch\",\"update\"]},"
				+ "{\"subresource\":\"eviction\",\"responseKind\":{\"group\":\"policy\",\"version\":\"v1\",\"kind\":\"Eviction\"},"
				+ "\"verbs\":[\"create\"]},{\"subresource\":\"log\",\"responseKind\":{\"group\":\"\",\"version\":\"v1\","
				+ "\"kind\":\"Pod\"},\"verbs\":[\"get\"]},{\"subresource\":\"status\",\"responseKind\":{\"group\":\"\",\"version\":\"v1\","
				+ "\"kind\":\"Pod\"},\"verbs\":[\"get\",\"patch\",\"update\"]}]");
		assertThat(aggregated(api, "", "nodes").get("scope").asText()).isEqualTo("Cluster");
	}

	@Test
	void aggregatedGroupsDescribeEveryServedResource() throws Exception {
		JsonNode apis = get("/apis", KUBECTL_ACCEPT);
		JsonNode deployments = aggregated(apis, "apps", "deployments");
		assertThat(deployments.get("responseKind").toString())
			.isEqualTo("{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"}");
		assertThat(deployments.get("shortNames").toString()).isEqualTo("[\"deploy\"]");
		assertThat(deployments.at("/subresources/0/subresource").asText()).isEqualTo("scale");
		assertThat(deployments.at("/subresources/0/responseKind/group").asText()).isEqualTo("autoscaling");
		assertThat(aggregated(apis, "autoscaling", "horizontalpodautoscalers").get("shortNames").toString())
			.isEqualTo("[\"hpa\"]");
		JsonNode v2beta1 = get("/apis", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
		assertThat(v2beta1.get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
		assertThat(aggregated(v2beta1, "batch", "cronjobs").get("shortNames").toString()).isEqualTo("[\"cj\"]");
	}

	@Test
	void theAllCategoryHoldsWhatKubectlGetAllShows() throws Exception {
		List<String> all = new ArrayList<>();
		for (String path : List.of("/api", "/apis")) {
			for (JsonNode item : get(path, KUBECTL_ACCEPT).get("items")) {
				for (JsonNode r : item.at("/versions/0/resources")) {
					if (r.path("categories").toString().contains("\"all\"")) {
						all.add(r.get("resource").asText());
					}
				}
			}
		}
		assertThat(all).containsExactlyInAnyOrder("pods", "services", "deployments", "replicasets", "statefulsets",
				"daemonsets", "jobs", "cronjobs", "horizontalpodautoscalers");
	}

	@Test
	void metricsResourcesAreAdvertisedReadOnlyAsMetricsServerDoes() throws Exception {
		List<ResourceType> types = new ArrayList<>(ResourceRegistry.standard().all());
		types.add(new ResourceType("metrics.k8s.io", "v1beta1", "PodMetrics", "pods", "", true, List.of(), List.of(),
				java.util.Set.of(), io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics.class));
		Discovery withMetrics = Discovery.of(new ResourceRegistry(types), "127.0.0.1:6443");

		JsonNode list = this.mapper
			.readTree(withMetrics.serve("/apis/metrics.k8s.io/v1beta1", null).orElseThrow().body());

		assertThat(resource(list, "pods").get("verbs").toString()).isEqualTo("[\"get\",\"list\"]");
	}

}
