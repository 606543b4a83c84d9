package io.stevedore.machinery.openapi;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenApiTest {

	static final OpenApi OPENAPI = OpenApi.of(ResourceRegistry.standard());

	final ObjectMapper mapper = new ObjectMapper();

	JsonNode v3(String gv) throws Exception {
		return this.mapper.readTree(OPENAPI.v3(gv).orElseThrow());
	}

	JsonNode schema(JsonNode doc, String name) {
		JsonNode schema = doc.at("/components/schemas/" + name.replace("/", "~1"));
		assertThat(schema.isMissingNode()).as(name).isFalse();
		return schema;
	}

	@Test
	void v3IndexPointsAtEveryGroupVersionWithAContentHash() throws Exception {
		JsonNode index = this.mapper.readTree(OPENAPI.v3Index());
		List<String> gvs = new ArrayList<>();
		index.get("paths").fieldNames().forEachRemaining(gvs::add);
		assertThat(gvs).contains("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/autoscaling/v2",
				"apis/rbac.authorization.k8s.io/v1", "apis/events.k8s.io/v1");
		assertThat(index.at("/paths/apis~1apps~1v1/serverRelativeURL").asText())
			.matches("/openapi/v3/apis/apps/v1\\?hash=[0-9A-F]{128}");
	}

	@Test
	void topLevelKindsCarryTheirGroupVersionKind() throws Exception {
		JsonNode apps = v3("apis/apps/v1");
		assertThat(schema(apps, "io.k8s.api.apps.v1.Deployment").get("x-kubernetes-group-version-kind").toString())
			.isEqualTo("[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]");
		assertThat(schema(apps, "io.k8s.api.apps.v1.DeploymentList").at("/x-kubernetes-group-version-kind/0/kind")
			.asText()).isEqualTo("DeploymentList");
		assertThat(
				schema(v3("api/v1"), "io.k8s.api.core.v1.Pod").at("/x-kubernetes-group-version-kind/0/group").asText())
			.isEmpty();
	}

	@Test
	void fieldsCarryKubernetesMergeTagsAndRequiredLists() throws Exception {
		JsonNode apps = v3("apis/apps/v1");
		JsonNode spec = schema(apps, "io.k8s.api.apps.v1.DeploymentSpec");
		assertThat(spec.get("required").toString()).isEqualTo("[\"selector\",\"template\"]");
		assertThat(spec.at("/properties/strategy/x-kubernetes-patch-strategy").asText()).isEqualTo("retainKeys");
		assertThat(spec.at("/properties/strategy/allOf/0/$ref").asText())
			.isEqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy");
		assertThat(spec.at("/properties/replicas").toString()).isEqualTo("{\"type\":\"integer\",\"format\":\"int32\"}");
		JsonNode containers = schema(apps, "io.k8s.api.core.v1.PodSpec").at("/properties/containers");
		assertThat(containers.get("type").asText()).isEqualTo("array");
		assertThat(containers.at("/items/$ref").asText())
			.isEqualTo("#/components/schemas/io.k8s.api.core.v1.Container");
		assertThat(containers.get("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
		assertThat(containers.get("x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
		assertThat(containers.get("x-kubernetes-list-type").asText()).isEqualTo("map");
		assertThat(containers.get("x-kubernetes-list-map-keys").toString()).isEqualTo("[\"name\"]");
		assertThat(schema(apps, "io.k8s.api.core.v1.PodSpec").at("/properties/volumes/x-kubernetes-patch-strategy")
			.asText()).isEqualTo("merge,retainKeys");
		assertThat(schema(apps, "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector").get("x-kubernetes-map-type")
			.asText()).isEqualTo("atomic");
		assertThat(schema(apps, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").at("/properties/labels").toString())
			.isEqualTo("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}");
		assertThat(schema(apps, "io.k8s.api.core.v1.Container").at("/properties/resources/allOf").isMissingNode())
			.isTrue();
		assertThat(
				schema(v3("api/v1"), "io.k8s.api.core.v1.ServiceSpec").at("/properties/selector/x-kubernetes-map-type")
					.asText())
			.isEqualTo("atomic");
	}

	@Test
	void scalarModelTypesAreStringsAsOnTheWire() throws Exception {
		JsonNode core = v3("api/v1");
		JsonNode intOrString = schema(core, "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
		assertThat(intOrString.get("format").asText()).isEqualTo("int-or-string");
		// OpenAPI 3: several JSON types, so no "type" (kubectl explain prints
		// <IntOrString>)
		assertThat(intOrString.has("type")).isFalse();
		assertThat(intOrString.get("oneOf").toString()).isEqualTo("[{\"type\":\"integer\"},{\"type\":\"string\"}]");
		JsonNode quantity = schema(core, "io.k8s.apimachinery.pkg.api.resource.Quantity");
		assertThat(quantity.has("type")).isFalse();
		assertThat(quantity.get("oneOf").toString()).isEqualTo("[{\"type\":\"string\"},{\"type\":\"number\"}]");
		// Swagger 2: strings with a format, as Kubernetes' /openapi/v2
		JsonNode v2 = this.mapper.readTree(OPENAPI.v2()).get("definitions");
		assertThat(v2.at("/io.k8s.apimachinery.pkg.util.intstr.IntOrString").toString()).contains("\"type\":\"string\"")
			.contains("\"format\":\"int-or-string\"");
		assertThat(v2.at("/io.k8s.apimachinery.pkg.api.resource.Quantity/type").asText()).isEqualTo("string");
		assertThat(schema(core, "io.k8s.api.core.v1.ResourceRequirements")
			.at("/properties/limits/additionalProperties/$ref")
			.asText()).isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity");
	}

	@Test
	void everyPatchOperationOffersServerSideValidationAndStrategicMerge() throws Exception {
		for (String gv : List.of("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/networking.k8s.io/v1",
				"apis/rbac.authorization.k8s.io/v1", "apis/autoscaling/v2", "apis/policy/v1")) {
			JsonNode doc = v3(gv);
			int patches = 0;
			for (JsonNode path : doc.get("paths")) {
				JsonNode patch = path.get("patch");
				if (patch == null) {
					continue;
				}
				patches++;
				List<String> params = new ArrayList<>();
				patch.get("parameters").forEach(p -> params.add(p.get("in").asText() + ":" + p.get("name").asText()));
				assertThat(params).as(gv)
					.contains("query:fieldValidation", "query:fieldManager", "query:dryRun", "query:force");
				assertThat(patch.at("/requestBody/content").has("application/strategic-merge-patch+json")).isTrue();
				assertThat(patch.at("/requestBody/content").has("application/apply-patch+yaml")).isTrue();
				assertThat(patch.at("/x-kubernetes-group-version-kind").has("kind")).isTrue();
				assertThat(patch.get("x-kubernetes-action").asText()).isEqualTo("patch");
			}
			assertThat(patches).as(gv).isPositive();
		}
	}

	@Test
	void pathsFollowKubernetesLayoutAndOperationIds() throws Exception {
		JsonNode apps = v3("apis/apps/v1");
		JsonNode paths = apps.get("paths");
		assertThat(paths.at("/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments/get/operationId").asText())
			.isEqualTo("listAppsV1NamespacedDeployment");
		assertThat(paths.at("/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments/delete/operationId").asText())
			.isEqualTo("deleteAppsV1CollectionNamespacedDeployment");
		assertThat(paths.at("/~1apis~1apps~1v1~1deployments/get/operationId").asText())
			.isEqualTo("listAppsV1DeploymentForAllNamespaces");
		JsonNode scale = paths.get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale");
		assertThat(scale.at("/patch/operationId").asText()).isEqualTo("patchAppsV1NamespacedDeploymentScale");
		assertThat(scale.at("/get/x-kubernetes-group-version-kind").toString())
			.isEqualTo("{\"group\":\"autoscaling\",\"kind\":\"Scale\",\"version\":\"v1\"}");
		assertThat(paths.at("/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}~1status/put/operationId")
			.asText()).isEqualTo("replaceAppsV1NamespacedDeploymentStatus");
		JsonNode core = v3("api/v1").get("paths");
		assertThat(core.at("/~1api~1v1~1namespaces~1{namespace}~1pods~1{name}~1eviction/post/operationId").asText())
			.isEqualTo("createCoreV1NamespacedPodEviction");
		assertThat(core.at("/~1api~1v1~1nodes~1{name}/get/operationId").asText()).isEqualTo("readCoreV1Node");
		assertThat(core.has("/api/v1/namespaces/{namespace}/nodes")).isFalse();
		List<String> listParams = new ArrayList<>();
		core.at("/~1api~1v1~1namespaces~1{namespace}~1pods/get/parameters")
			.forEach(p -> listParams.add(p.get("name").asText()));
		assertThat(listParams).contains("labelSelector", "fieldSelector", "limit", "continue", "watch",
				"resourceVersion", "timeoutSeconds");
	}

	@Test
	void everyReferenceResolvesInBothDialects() throws Exception {
		JsonNode v2 = this.mapper.readTree(OPENAPI.v2());
		assertThat(v2.get("swagger").asText()).isEqualTo("2.0");
		assertDanglingFree(v2, v2.get("definitions"), "#/definitions/");
		for (String gv : List.of("api/v1", "apis/apps/v1", "apis/autoscaling/v2", "apis/events.k8s.io/v1")) {
			JsonNode doc = v3(gv);
			assertThat(doc.get("openapi").asText()).isEqualTo("3.0.0");
			assertDanglingFree(doc, doc.at("/components/schemas"), "#/components/schemas/");
		}
	}

	private void assertDanglingFree(JsonNode node, JsonNode definitions, String prefix) {
		if (node.isObject()) {
			JsonNode ref = node.get("$ref");
			if (ref != null) {
				assertThat(ref.asText()).startsWith(prefix);
				assertThat(definitions.has(ref.asText().substring(prefix.length()))).as(ref.asText()).isTrue();
			}
			node.forEach(child -> assertDanglingFree(child, definitions, prefix));
		}
		else if (node.isArray()) {
			node.forEach(child -> assertDanglingFree(child, definitions, prefix));
		}
	}

	@Test
	void swagger2UsesBodyParametersAndConsumes() throws Exception {
		JsonNode v2 = this.mapper.readTree(OPENAPI.v2());
		JsonNode patch = v2.at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}/patch");
		assertThat(patch.get("consumes").toString()).contains("application/strategic-merge-patch+json");
		assertThat(patch.at("/parameters/0").toString())
			.isEqualTo("{\"name\":\"body\",\"in\":\"body\",\"required\":true,\"schema\":"
					+ "{\"$ref\":\"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch\"}}");
		assertThat(v2.at("/definitions/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy").toString())
			.isEqualTo("{\"$ref\":\"#/definitions/io.k8s.api.apps.v1.DeploymentStrategy\","
					+ "\"x-kubernetes-patch-strategy\":\"retainKeys\"}");
	}

	@Test
	void servesV2AsJsonOrProtobufAndV3AsJsonOnly() {
		assertThat(OPENAPI.serve("/openapi/v3/apis/apps/v1", "application/json").orElseThrow().contentType())
			.isEqualTo("application/json");
		assertThat(OPENAPI.serve("/openapi/v2", "application/json, */*").orElseThrow().contentType())
			.isEqualTo("application/json");
		assertThat(OPENAPI.serve("/openapi/v3", null)).isPresent();
		assertThat(OPENAPI.serve("/openapi/v3/apis/example.com/v1", null)).isEmpty();
		assertThat(OPENAPI.serve("/api/v1", null)).isEmpty();
		// kubectl's Accept for /openapi/v2: protobuf only
		OpenApi.Response protobuf = OPENAPI.serve("/openapi/v2", OpenApi.PROTOBUF_V2).orElseThrow();
		assertThat(protobuf.contentType()).isEqualTo(OpenApi.PROTOBUF_V2_CONTENT_TYPE);
		assertThat(protobuf.body()).isNotEmpty();
		assertThat(protobuf.etag()).matches("\"[0-9A-F]{32}\"")
			.isNotEqualTo(OPENAPI.serve("/openapi/v2", null).orElseThrow().etag());
		assertThat(OPENAPI.serve("/openapi/v2", "application/json;q=0.5, " + OpenApi.PROTOBUF_V2)
			.orElseThrow()
			.contentType()).isEqualTo(OpenApi.PROTOBUF_V2_CONTENT_TYPE);
		assertThat(OPENAPI.serve("/openapi/v2", OpenApi.PROTOBUF_V2 + ";q=0.5, application/json")
			.orElseThrow()
			.contentType()).isEqualTo("application/json");
		assertThatThrownBy(() -> OPENAPI.serve("/openapi/v3/apis/apps/v1", OpenApi.PROTOBUF_V2))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.code()).isEqualTo(406));
		assertThatThrownBy(() -> OPENAPI.serve("/openapi/v2", "application/yaml, application/json;q=0"))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.code()).isEqualTo(406));
	}

	static Descriptions descriptions(String json) {
		return Descriptions.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void descriptionsGoOnTypesAndFieldsWithTheDialectsRulesForReferences() throws Exception {
		Descriptions texts = descriptions("""
				{"sources": ["test"], "definitions": {
				  "io.k8s.api.apps.v1.DeploymentStrategy": {"description": "How pods are replaced.",
				    "properties": {"rollingUpdate": "Rolling update parameters.", "type": "Type of deployment."},
				    "enums": {"type": ["Recreate", "RollingUpdate"]},
				    "enumTexts": {"type": "Possible enum values:\\n - `\\"Recreate\\"` Kill all."}},
				  "io.k8s.api.core.v1.PodSpec": {"enums": {"containers": ["not", "strings"]}},
				  "io.k8s.api.apps.v1.DeploymentSpec": {"properties": {"strategy": "The strategy.",
				    "replicas": "Number of pods.", "noSuchField": "never shown"}},
				  "io.k8s.api.apps.v1.Deployment": {"properties": {"spec": "The Deployment's desired state."}},
				  "io.k8s.api.apps.v1.DeploymentList": {"properties": {"items": "Items are Deployments."}},
				  "io.k8s.api.example.v1.Unserved": {"description": "never shown"}}}""");
		OpenApi described = OpenApi.of(ResourceRegistry.standard(), () -> texts);

		JsonNode v2 = this.mapper.readTree(described.v2()).get("definitions");
		assertThat(v2.at("/io.k8s.api.apps.v1.DeploymentStrategy/description").asText())
			.isEqualTo("How pods are replaced.");
		// Swagger 2: the description is a sibling of $ref, as in Kubernetes' /openapi/v2
		assertThat(v2.at("/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy").toString())
			.isEqualTo("{\"$ref\":\"#/definitions/io.k8s.api.apps.v1.DeploymentStrategy\","
					+ "\"x-kubernetes-patch-strategy\":\"retainKeys\",\"description\":\"The strategy.\"}");
		assertThat(v2.at("/io.k8s.api.apps.v1.DeploymentSpec/properties/replicas").toString())
			.isEqualTo("{\"type\":\"integer\",\"format\":\"int32\",\"description\":\"Number of pods.\"}");
		assertThat(v2.at("/io.k8s.api.apps.v1.DeploymentSpec/properties").has("noSuchField")).isFalse();
		// enums only in OpenAPI 3, as Kubernetes serves them
		assertThat(v2.at("/io.k8s.api.apps.v1.DeploymentStrategy/properties/type").has("enum")).isFalse();
		assertThat(v2.has("io.k8s.api.example.v1.Unserved")).isFalse();

		JsonNode apps = described.v3("apis/apps/v1").map(this::tree).orElseThrow();
		JsonNode strategy = schema(apps, "io.k8s.api.apps.v1.DeploymentSpec").at("/properties/strategy");
		// OpenAPI 3: $ref siblings are ignored, so the reference is wrapped in allOf
		assertThat(strategy.at("/allOf/0/$ref").asText())
			.isEqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy");
		assertThat(strategy.has("$ref")).isFalse();
		assertThat(strategy.get("description").asText()).isEqualTo("The strategy.");
		assertThat(strategy.get("x-kubernetes-patch-strategy").asText()).isEqualTo("retainKeys");
		assertThat(schema(apps, "io.k8s.api.apps.v1.DeploymentStrategy").at("/properties/rollingUpdate").toString())
			.isEqualTo("{\"allOf\":[{\"$ref\":\"#/components/schemas/io.k8s.api.apps.v1.RollingUpdateDeployment\"}],"
					+ "\"description\":\"Rolling update parameters.\"}");
		assertThat(schema(apps, "io.k8s.api.apps.v1.DeploymentStrategy").at("/properties/type/enum").toString())
			.isEqualTo("[\"Recreate\",\"RollingUpdate\"]");
		// the list of values ends the OpenAPI 3 text only, as in Kubernetes' documents
		assertThat(schema(apps, "io.k8s.api.apps.v1.DeploymentStrategy").at("/properties/type/description").asText())
			.isEqualTo("Type of deployment.\n\nPossible enum values:\n - `\"Recreate\"` Kill all.");
		assertThat(v2.at("/io.k8s.api.apps.v1.DeploymentStrategy/properties/type/description").asText())
			.isEqualTo("Type of deployment.");
		// only on strings (or arrays of them)
		assertThat(schema(apps, "io.k8s.api.core.v1.PodSpec").at("/properties/containers").toString())
			.doesNotContain("enum");
		// Kubernetes' text replaces the generic one; the generic one stays where it has
		// none
		JsonNode deployment = schema(apps, "io.k8s.api.apps.v1.Deployment");
		assertThat(deployment.at("/properties/spec/description").asText()).isEqualTo("The Deployment's desired state.");
		assertThat(deployment.at("/properties/status/description").asText())
			.startsWith("Most recently observed status of the object.");
		assertThat(schema(apps, "io.k8s.api.apps.v1.DeploymentList").at("/properties/items/description").asText())
			.isEqualTo("Items are Deployments.");
	}

	@Test
	void documentsAreRenderedOnFirstUseReadingDescriptionsOnce() {
		AtomicInteger reads = new AtomicInteger();
		OpenApi lazy = OpenApi.of(ResourceRegistry.standard(), () -> {
			reads.incrementAndGet();
			return Descriptions.none();
		});
		assertThat(reads).hasValue(0);

		OpenApi.Response first = lazy.serve("/openapi/v3/apis/apps/v1", "application/json").orElseThrow();
		lazy.serve("/openapi/v2", null).orElseThrow();
		lazy.v3Index();

		assertThat(reads).hasValue(1);
		assertThat(lazy.serve("/openapi/v3/apis/apps/v1", null).orElseThrow().etag()).isEqualTo(first.etag());
		// the same documents as an eager instance: the ETag depends on content only
		assertThat(OPENAPI.serve("/openapi/v3/apis/apps/v1", null).orElseThrow().etag()).isEqualTo(first.etag());
	}

	JsonNode tree(byte[] body) {
		try {
			return this.mapper.readTree(body);
		}
		catch (java.io.IOException ex) {
			throw new AssertionError(ex);
		}
	}

	@Test
	void definitionNamesAreKubernetesGoPackagePaths() {
		assertThat(Map.of(io.fabric8.kubernetes.api.model.Pod.class, "io.k8s.api.core.v1.Pod",
				io.fabric8.kubernetes.api.model.ObjectMeta.class, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
				io.fabric8.kubernetes.api.model.apps.Deployment.class, "io.k8s.api.apps.v1.Deployment",
				io.fabric8.kubernetes.api.model.rbac.Role.class, "io.k8s.api.rbac.v1.Role",
				io.fabric8.kubernetes.api.model.storage.StorageClass.class, "io.k8s.api.storage.v1.StorageClass",
				io.fabric8.kubernetes.api.model.batch.v1.Job.class, "io.k8s.api.batch.v1.Job",
				io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class,
				"io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler"))
			.allSatisfy((type, name) -> assertThat(DefinitionNames.of(type)).isEqualTo(name));
	}

}
