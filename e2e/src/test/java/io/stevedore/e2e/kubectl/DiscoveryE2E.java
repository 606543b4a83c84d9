package io.stevedore.e2e.kubectl;

import java.util.Arrays;
import java.util.List;

import io.stevedore.e2e.support.KubectlE2ESupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What kubectl learns about the API before anything else: discovery and the schema. */
class DiscoveryE2E extends KubectlE2ESupport {

	@Test
	void apiVersionsListsTheCoreAndTheWorkloadGroups() {
		List<String> versions = ok("api-versions").lines().toList();

		assertThat(versions).contains("v1", "apps/v1", "batch/v1", "networking.k8s.io/v1",
				"rbac.authorization.k8s.io/v1", "coordination.k8s.io/v1");
	}

	@Test
	void apiResourcesShowsNameShortNamesVersionScopeAndKind() {
		List<List<String>> rows = ok("api-resources").lines()
			.skip(1)
			.map((line) -> Arrays.asList(line.trim().split("\\s+")))
			.toList();

		assertThat(rows).contains(List.of("pods", "po", "v1", "true", "Pod"),
				List.of("namespaces", "ns", "v1", "false", "Namespace"),
				List.of("configmaps", "cm", "v1", "true", "ConfigMap"), List.of("secrets", "v1", "true", "Secret"),
				List.of("services", "svc", "v1", "true", "Service"),
				List.of("deployments", "deploy", "apps/v1", "true", "Deployment"));
	}

	@Test
	void apiResourcesFiltersByGroupAndScope() {
		String clusterScoped = ok("api-resources", "--namespaced=false", "-o", "name");

		assertThat(clusterScoped.lines()).contains("namespaces", "nodes").doesNotContain("pods", "configmaps");
		assertThat(ok("api-resources", "--api-group=apps", "-o", "name").lines()).contains("deployments.apps",
				"replicasets.apps", "statefulsets.apps", "daemonsets.apps");
	}

	@Test
	void explainDescribesANestedFieldFromTheOpenApiSchema() {
		String explained = ok("explain", "deployment.spec.strategy");

		assertThat(explained).containsPattern("GROUP:\\s+apps\n")
			.containsPattern("KIND:\\s+Deployment\n")
			.containsPattern("VERSION:\\s+v1\n")
			.contains("FIELD: strategy <DeploymentStrategy>")
			.containsPattern("rollingUpdate\\s+<RollingUpdateDeployment>")
			.containsPattern("type\\s+<string>");
		// Kubernetes' own documentation, wrapped by kubectl at 80 columns
		assertThat(oneLine(explained))
			.contains("DESCRIPTION: The deployment strategy to use to replace existing pods with new ones.")
			.contains("Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.");
	}

	@Test
	void explainPrintsTheDescriptionOfAContainerField() {
		String explained = oneLine(ok("explain", "pods.spec.containers.image"));

		assertThat(explained).contains("FIELD: image <string>")
			.contains("DESCRIPTION: Container image name. More info: "
					+ "https://kubernetes.io/docs/concepts/containers/images");
	}

	private static String oneLine(String text) {
		return text.replaceAll("\\s+", " ");
	}

}
