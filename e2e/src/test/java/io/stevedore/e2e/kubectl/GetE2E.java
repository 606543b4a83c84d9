package io.stevedore.e2e.kubectl;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stevedore.e2e.support.KubectlE2ESupport;
import io.stevedore.e2e.support.Manifests;
import io.stevedore.testsupport.kubectl.KubectlProcess;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.stevedore.e2e.support.KubectlAssertions.assertNoErrorOrWarning;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl get} in its output formats, with selectors, and watching. The objects
 * are applied once for the class: these tests only read (the watch test writes in its own
 * namespace).
 */
class GetE2E extends KubectlE2ESupport {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

	private static String ns;

	@BeforeAll
	static void applyTheWebApplicationAndABarePod() {
		ns = "e2e-get-" + Long.toString(System.nanoTime() % 100000, 36);
		okWithInput(Manifests.render("web.yaml", Map.of("namespace", ns, "replicas", 2)), "apply", "-f", "-");
		okWithInput(Manifests.render("pod.yaml", Map.of("namespace", ns)), "apply", "-f", "-");
		okWithInput("""
				apiVersion: v1
				kind: ConfigMap
				metadata:
				  name: db-config
				  namespace: %s
				  labels:
				    app: db
				""".formatted(ns), "apply", "-f", "-");
	}

	@Test
	void getsSeveralKindsAcrossAllNamespacesWithANamespaceColumn() {
		List<String> lines = ok("get", "pods,deploy,svc", "-A").lines().toList();

		assertThat(lines).anySatisfy((line) -> assertThat(line).startsWith("NAMESPACE").contains("NAME"));
		assertThat(lines).anySatisfy((line) -> assertThat(line).startsWith(ns).contains("pod/web-pod"));
		assertThat(lines).anySatisfy((line) -> assertThat(line).startsWith(ns).contains("deployment.apps/web"));
		assertThat(lines).anySatisfy((line) -> assertThat(line).startsWith(ns).contains("service/web"));
	}

	@Test
	void theServerPrintsTheTableColumnsKubernetesPrints() {
		assertThat(header(ok("get", "pods", "-n", ns))).containsExactly("NAME", "READY", "STATUS", "RESTARTS", "AGE");
		assertThat(header(ok("get", "deployments", "-n", ns))).containsExactly("NAME", "READY", "UP-TO-DATE",
				"AVAILABLE", "AGE");
		assertThat(header(ok("get", "services", "-n", ns))).containsExactly("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP",
				"PORT(S)", "AGE");
		assertThat(ok("get", "services", "web", "-n", ns, "--no-headers")).contains("ClusterIP").contains("80/TCP");
	}

	@Test
	void wideOutputAddsContainersImagesAndSelector() {
		String wide = ok("get", "deployment", "web", "-n", ns, "-o", "wide");

		assertThat(header(wide)).containsSubsequence("NAME", "CONTAINERS", "IMAGES", "SELECTOR");
		assertThat(wide.lines().skip(1).findFirst().orElseThrow()).contains("web", "nginx:1.27", "app=web");
	}

	@Test
	void yamlOutputIsTheStoredObjectWithItsServerSetMetadata() throws Exception {
		JsonNode deployment = YAML.readTree(ok("get", "deployment", "web", "-n", ns, "-o", "yaml"));

		assertThat(deployment.path("apiVersion").asText()).isEqualTo("apps/v1");
		assertThat(deployment.path("kind").asText()).isEqualTo("Deployment");
		assertThat(deployment.at("/metadata/namespace").asText()).isEqualTo(ns);
		assertThat(deployment.at("/metadata/uid").asText()).isNotEmpty();
		assertThat(deployment.at("/metadata/resourceVersion").asText()).isNotEmpty();
		assertThat(deployment.at("/metadata/creationTimestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
		assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
		assertThat(deployment.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:1.27");
	}

	@Test
	void jsonOutputOfAListIsAListOfTheItems() throws Exception {
		JsonNode list = JSON.readTree(ok("get", "configmaps", "-n", ns, "-o", "json"));

		assertThat(list.path("kind").asText()).isEqualTo("List");
		assertThat(list.path("items").findValuesAsText("name")).contains("web-config", "db-config");
		assertThat(list.path("items").get(0).path("kind").asText()).isEqualTo("ConfigMap");
	}

	@Test
	void aLabelSelectorKeepsOnlyTheMatchingObjects() {
		assertThat(ok("get", "configmaps", "-n", ns, "-l", "app=web", "-o", "name").lines())
			.containsExactly("configmap/web-config");
		assertThat(ok("get", "configmaps", "-n", ns, "-l", "app in (db),app!=web", "-o", "name").lines())
			.containsExactly("configmap/db-config");
		assertThat(
				ok("get", "configmaps,secrets,services,deployments", "-n", ns, "-l", "app=web", "-o", "name").lines())
			.containsExactlyInAnyOrder("configmap/web-config", "secret/web-secret", "service/web",
					"deployment.apps/web");
	}

	@Test
	void aFieldSelectorKeepsOnlyTheMatchingObjects() {
		assertThat(ok("get", "configmaps", "-A", "--field-selector", "metadata.name=db-config", "-o", "name").lines())
			.containsExactly("configmap/db-config");
		assertThat(ok("get", "configmaps", "-A", "--field-selector",
				"metadata.namespace=" + ns + ",metadata.name!=db-config", "-o", "name")
			.lines()).containsExactly("configmap/web-config");
		assertThat(ok("get", "pods", "-n", ns, "--field-selector", "status.phase=Pending", "-o", "name").lines())
			.containsExactly("pod/web-pod");
	}

	@Test
	void anUnsupportedFieldSelectorIsRejectedNamingTheField() {
		KubectlResult result = fails("get", "configmaps", "-n", ns, "--field-selector", "data.k=v");

		assertThat(result.stderr()).contains("BadRequest")
			.contains("\"data.k\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
	}

	@Test
	void watchingPrintsTheCurrentObjectsThenEachChange() {
		String wns = ns + "-w";
		applyNamespace(wns);
		applyConfigMap(wns, "first");

		try (KubectlProcess watch = kubectl.start("get", "configmaps", "-n", wns, "-w", "--request-timeout=60s")) {
			watch.awaitStdout((out) -> out.contains("first"), Duration.ofSeconds(30));
			applyConfigMap(wns, "second", "k=v");
			String seen = watch.awaitStdout((out) -> out.contains("second"), Duration.ofSeconds(30));

			assertThat(seen.lines().filter((line) -> line.startsWith("second "))).singleElement()
				.satisfies((line) -> assertThat(line.split("\\s+")[1]).as("DATA column").isEqualTo("1"));
			assertNoErrorOrWarning(watch.stop());
		}
	}

	@Test
	void watchingWithWatchEventsNamesEachEventType() {
		String wns = ns + "-wd";
		applyNamespace(wns);
		applyConfigMap(wns, "doomed");

		try (KubectlProcess watch = kubectl.start("get", "configmaps", "-n", wns, "-w", "--output-watch-events")) {
			watch.awaitStdout((out) -> out.contains("ADDED"), Duration.ofSeconds(30));
			ok("delete", "configmap", "doomed", "-n", wns);

			String seen = watch.awaitStdout((out) -> out.contains("DELETED"), Duration.ofSeconds(30));
			assertThat(seen.lines().map((line) -> line.split("\\s+")[0] + " " + line.split("\\s+")[1]))
				.containsExactly("EVENT NAME", "ADDED doomed", "DELETED doomed");
			assertNoErrorOrWarning(watch.stop());
		}
	}

	private static List<String> header(String table) {
		return List.of(table.lines().findFirst().orElseThrow().trim().split("\\s+"));
	}

}
