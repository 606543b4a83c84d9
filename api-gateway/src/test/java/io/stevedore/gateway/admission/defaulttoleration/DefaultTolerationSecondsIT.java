package io.stevedore.gateway.admission.defaulttoleration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.gateway.status.StatusResponses;
import io.stevedore.gateway.support.GatewayCluster;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DefaultTolerationSeconds end to end: kubectl through the gateway to the real apiserver,
 * which calls the gateway's admission endpoint. The gateway runs with not-ready at 5 s
 * (what {@code ./stevedore up} sets) and unreachable at Kubernetes' 300 s default, so the
 * two settings are told apart.
 */
class DefaultTolerationSecondsIT {

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	@BeforeAll
	static void start() {
		cluster = GatewayCluster.startWithAdmission(directory,
				"--stevedore.gateway.admission.default-not-ready-toleration-seconds=5");
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		admin.run("create", "namespace", "team").requireSuccess();
		admin.run("create", "serviceaccount", "default", "-n", "team").requireSuccess();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aCreatedPodCarriesBothTolerationsWithTheConfiguredSeconds() throws Exception {
		admin.runWithInput(pod("plain", ""), "create", "-f", "-").requireSuccess();

		assertThat(tolerations("plain")).containsExactly("node.kubernetes.io/not-ready Exists NoExecute 5",
				"node.kubernetes.io/unreachable Exists NoExecute 300");
	}

	@Test
	void aPodWithItsOwnUnreachableTolerationKeepsItUnchangedAndGetsOnlyNotReady() throws Exception {
		admin.runWithInput(pod("patient", """
				  tolerations:
				  - {key: gpu, operator: Exists, effect: NoSchedule}
				  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 42}
				"""), "create", "-f", "-").requireSuccess();

		assertThat(tolerations("patient")).containsExactly("gpu Exists NoSchedule -",
				"node.kubernetes.io/unreachable Exists NoExecute 42",
				"node.kubernetes.io/not-ready Exists NoExecute 5");
	}

	@Test
	void aPodThatToleratesEveryTaintIsStoredAsSent() throws Exception {
		admin.runWithInput(pod("everywhere", """
				  tolerations:
				  - {operator: Exists}
				"""), "create", "-f", "-").requireSuccess();

		assertThat(tolerations("everywhere")).containsExactly("- Exists - -");
	}

	@Test
	void anUpdateThatLeavesTheTolerationsOutKeepsTheDefaults() throws Exception {
		admin.runWithInput(pod("replaced", ""), "create", "-f", "-").requireSuccess();
		List<String> created = tolerations("replaced");
		ObjectNode stored = (ObjectNode) StatusResponses.JSON
			.readTree(admin.run("get", "pod", "replaced", "-n", "team", "-o", "json").requireSuccess().stdout());
		ObjectNode spec = (ObjectNode) stored.path("spec");
		spec.remove("tolerations");
		((ObjectNode) spec.path("containers").get(0)).put("image", "busybox:1.36");

		// Removing them is refused by pod validation; the plugin puts them back, as on
		// create, and the update goes through.
		KubectlResult replace = admin.runWithInput(stored.toString(), "replace", "-f", "-");

		assertThat(replace.exitCode()).as(replace.stderr()).isZero();
		assertThat(tolerations("replaced")).isEqualTo(created);
	}

	@Test
	void aNegativeSettingStopsTheGatewayAtStartNamingIt() {
		assertThatThrownBy(() -> cluster
			.startAnotherGateway(directory.resolve("negative"),
					"--stevedore.gateway.admission.default-unreachable-toleration-seconds=-5")
			.close()).hasRootCauseMessage(
					"stevedore.gateway.admission.default-unreachable-toleration-seconds must be 0 or more seconds, "
							+ "got -5");
	}

	/** Each toleration as "key operator effect seconds", "-" for an absent field. */
	private static List<String> tolerations(String pod) throws Exception {
		KubectlResult result = admin.run("get", "pod", pod, "-n", "team", "-o", "json").requireSuccess();
		JsonNode stored = StatusResponses.JSON.readTree(result.stdout());
		List<String> tolerations = new ArrayList<>();
		for (JsonNode toleration : stored.path("spec").path("tolerations")) {
			tolerations.add(field(toleration, "key") + " " + field(toleration, "operator") + " "
					+ field(toleration, "effect") + " " + field(toleration, "tolerationSeconds"));
		}
		return tolerations;
	}

	private static String field(JsonNode toleration, String name) {
		JsonNode value = toleration.path(name);
		return value.isMissingNode() || value.isNull() || value.asText().isEmpty() ? "-" : value.asText();
	}

	private static String pod(String name, String tolerations) {
		return """
				apiVersion: v1
				kind: Pod
				metadata: {name: %s, namespace: team}
				spec:
				  containers:
				  - name: app
				    image: busybox
				%s""".formatted(name, tolerations);
	}

}
