package io.stevedore.apiserver.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.machinery.openapi.OpenApi;
import io.stevedore.machinery.registry.ResourceRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped openapi/descriptions.json.gz (scripts/openapi-descriptions.py) documents
 * what the apiserver serves: Kubernetes' own texts reach both OpenAPI dialects.
 */
class OpenApiDescriptionsTest {

	static final OpenApi OPENAPI = OpenApi.of(ResourceRegistry.standard(), ApiServerConfiguration::openApiDescriptions);

	static final String STRATEGY = "The deployment strategy to use to replace existing pods with new ones.";

	static final String MAX_SURGE = "The maximum number of pods that can be scheduled above the desired number of pods.";

	final ObjectMapper mapper = new ObjectMapper();

	@Test
	void swagger2CarriesTypeAndFieldDescriptions() throws Exception {
		JsonNode definitions = this.mapper.readTree(OPENAPI.v2()).get("definitions");

		assertThat(definitions.at("/io.k8s.api.apps.v1.DeploymentStrategy/description").asText())
			.isEqualTo("DeploymentStrategy describes how to replace existing pods with new ones.");
		assertThat(definitions.at("/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy/description").asText())
			.isEqualTo(STRATEGY);
		assertThat(
				definitions.at("/io.k8s.api.apps.v1.RollingUpdateDeployment/properties/maxSurge/description").asText())
			.startsWith(MAX_SURGE);
		assertThat(definitions.at("/io.k8s.api.core.v1.Container/properties/image/description").asText())
			.startsWith("Container image name.");
		assertThat(
				definitions.at("/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta/properties/name/description").asText())
			.startsWith("Name must be unique within a namespace.");
		// Kubernetes' per-kind text replaces the generator's generic one
		assertThat(definitions.at("/io.k8s.api.apps.v1.Deployment/properties/spec/description").asText())
			.isEqualTo("Specification of the desired behavior of the Deployment.");
	}

	@Test
	void openApi3CarriesThemInEveryGroupVersion() throws Exception {
		Map<String, String> expected = Map.of("api/v1", "io.k8s.api.core.v1.PodSpec", "apis/apps/v1",
				"io.k8s.api.apps.v1.DeploymentSpec", "apis/batch/v1", "io.k8s.api.batch.v1.JobSpec",
				"apis/networking.k8s.io/v1", "io.k8s.api.networking.v1.IngressSpec",
				"apis/rbac.authorization.k8s.io/v1", "io.k8s.api.rbac.v1.PolicyRule", "apis/autoscaling/v2",
				"io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec", "apis/coordination.k8s.io/v1",
				"io.k8s.api.coordination.v1.LeaseSpec", "apis/discovery.k8s.io/v1", "io.k8s.api.discovery.v1.Endpoint",
				"apis/policy/v1", "io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "apis/storage.k8s.io/v1",
				"io.k8s.api.storage.v1.StorageClass");
		expected.forEach((gv, definition) -> {
			JsonNode schema = v3(gv).at("/components/schemas/" + definition);
			assertThat(schema.path("description").asText()).as(definition).isNotBlank();
			schema.get("properties")
				.properties()
				.forEach((field) -> assertThat(field.getValue().path("description").asText())
					.as(definition + "." + field.getKey())
					.isNotBlank());
		});
		JsonNode strategy = v3("apis/apps/v1")
			.at("/components/schemas/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy");
		assertThat(strategy.get("description").asText()).isEqualTo(STRATEGY);
		assertThat(strategy.at("/allOf/0/$ref").asText())
			.isEqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy");
		assertThat(
				v3("apis/apps/v1").at("/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy/properties/type/enum")
					.toString())
			.isEqualTo("[\"Recreate\",\"RollingUpdate\"]");
		assertThat(v3("api/v1").at("/components/schemas/io.k8s.api.core.v1.Container/properties/imagePullPolicy/enum")
			.toString()).isEqualTo("[\"Always\",\"IfNotPresent\",\"Never\"]");
		assertThat(v3("api/v1")
			.at("/components/schemas/io.k8s.api.core.v1.Container/properties/imagePullPolicy/description")
			.asText()).startsWith("Image pull policy. One of Always, Never, IfNotPresent.")
			.contains("\n\nPossible enum values:\n - `\"Always\"` means that kubelet always attempts to pull");
	}

	/**
	 * Guards the resource against a model upgrade: fields fabric8 adds after the
	 * descriptions were generated show up here (re-run scripts/openapi-descriptions.py).
	 */
	@Test
	void nearlyEveryServedFieldIsDocumented() throws Exception {
		JsonNode definitions = this.mapper.readTree(OPENAPI.v2()).get("definitions");
		List<String> undocumentedTypes = new ArrayList<>();
		List<String> undocumentedFields = new ArrayList<>();
		int fields = 0;
		for (Map.Entry<String, JsonNode> definition : definitions.properties()) {
			if (definition.getValue().path("description").asText().isBlank()) {
				undocumentedTypes.add(definition.getKey());
			}
			for (Map.Entry<String, JsonNode> field : definition.getValue().path("properties").properties()) {
				fields++;
				if (field.getValue().path("description").asText().isBlank()) {
					undocumentedFields.add(definition.getKey() + "." + field.getKey());
				}
			}
		}
		assertThat(definitions.size()).isGreaterThan(300);
		assertThat(fields).isGreaterThan(1500);
		assertThat(undocumentedTypes).as(undocumentedTypes.toString()).hasSizeLessThanOrEqualTo(3);
		assertThat(undocumentedFields).as(undocumentedFields.toString()).hasSizeLessThanOrEqualTo(5);
	}

	JsonNode v3(String groupVersion) {
		try {
			return this.mapper.readTree(OPENAPI.v3(groupVersion).orElseThrow());
		}
		catch (java.io.IOException ex) {
			throw new AssertionError(ex);
		}
	}

}
