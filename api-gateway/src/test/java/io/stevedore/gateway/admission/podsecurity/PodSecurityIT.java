package io.stevedore.gateway.admission.podsecurity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.stevedore.gateway.support.GatewayCluster;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pod Security through the real stack: the real kubectl, the gateway (TLS, RBAC,
 * admission endpoint) and the real apiserver calling it back for admission. Each test has
 * its namespace, labelled as the case needs.
 */
class PodSecurityIT {

	private static final String PRIVILEGED_POD = """
			apiVersion: v1
			kind: Pod
			metadata: {name: p}
			spec:
			  containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
			""";

	private static final String RESTRICTED_DETAIL = "privileged (container \"c\" must not set securityContext.privileged=true), "
			+ "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), "
			+ "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), "
			+ "runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true), "
			+ "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	@BeforeAll
	static void start() {
		cluster = GatewayCluster.startWithAdmission(directory);
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		await().atMost(Duration.ofSeconds(30)).until(() -> admin.run("get", "namespaces").succeeded());
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aRestrictedNamespaceRejectsAPrivilegedPodWithKubernetesMessageAndStoresNothing() {
		namespace("enforced", "enforce: restricted");

		KubectlResult result = apply("enforced", "privileged.yaml", PRIVILEGED_POD).requireFailure();

		assertThat(result.stderr().strip()).endsWith("Error from server (Forbidden): error when creating \""
				+ directory.resolve("privileged.yaml") + "\": pods \"p\" is forbidden: violates PodSecurity "
				+ "\"restricted:latest\": " + RESTRICTED_DETAIL);
		assertThat(admin.run("get", "pod", "p", "-n", "enforced").requireFailure().stderr())
			.contains("pods \"p\" not found");
		assertThat(admin.run("get", "--raw", "/actuator/prometheus").requireSuccess().stdout()).containsPattern(
				"pod_security_evaluations_total\\{decision=\"deny\",mode=\"enforce\",policy_level=\"restricted\","
						+ "policy_version=\"latest\",request_operation=\"create\",resource=\"pod\",subresource=\"\"\\} 1");
	}

	@Test
	void aCompliantPodIsAdmittedWithoutWarning() {
		namespace("compliant", "enforce: restricted\n    pod-security.kubernetes.io/warn: restricted");

		KubectlResult result = apply("compliant", "compliant.yaml", """
				apiVersion: v1
				kind: Pod
				metadata: {name: ok}
				spec:
				  securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
				  containers:
				  - name: c
				    image: busybox
				    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
				""").requireSuccess();

		assertThat(result.stderr()).doesNotContain("Warning");
		admin.run("get", "pod", "ok", "-n", "compliant").requireSuccess();
	}

	@Test
	void warnModeAdmitsThePodWithAWarningHeader() {
		namespace("warned", "warn: baseline");

		KubectlResult result = apply("warned", "warned.yaml", PRIVILEGED_POD).requireSuccess();

		assertThat(result.stderr()).contains("Warning: would violate PodSecurity \"baseline:latest\": privileged "
				+ "(container \"c\" must not set securityContext.privileged=true)");
		admin.run("get", "pod", "p", "-n", "warned").requireSuccess();
	}

	@Test
	void aDeploymentWithAViolatingTemplateIsAdmittedWithAWarningButNotRefused() {
		namespace("workloads", "enforce: restricted\n    pod-security.kubernetes.io/warn: restricted");

		KubectlResult result = apply("workloads", "deployment.yaml", """
				apiVersion: apps/v1
				kind: Deployment
				metadata: {name: web}
				spec:
				  selector: {matchLabels: {app: web}}
				  template:
				    metadata: {labels: {app: web}}
				    spec:
				      containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
				""").requireSuccess();

		assertThat(result.stderr())
			.contains("Warning: would violate PodSecurity \"restricted:latest\": " + RESTRICTED_DETAIL);
		admin.run("get", "deployment", "web", "-n", "workloads").requireSuccess();
	}

	@Test
	void aNamespaceWithAnInvalidLevelIsRejectedAndNotStored() {
		KubectlResult result = apply("", "bad-namespace.yaml", """
				apiVersion: v1
				kind: Namespace
				metadata:
				  name: bad-labels
				  labels: {pod-security.kubernetes.io/enforce: strict}
				""").requireFailure();

		assertThat(result.stderr()).contains("Namespace \"bad-labels\" is invalid: "
				+ "metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": "
				+ "must be one of privileged, baseline, restricted");
		admin.run("get", "namespace", "bad-labels").requireFailure();
	}

	@Test
	void enforcingOnANamespaceWithAPrivilegedPodWarnsAboutIt() {
		namespace("tightened", "audit: privileged");
		apply("tightened", "tightened.yaml", PRIVILEGED_POD).requireSuccess();

		KubectlResult result = admin
			.run("label", "namespace", "tightened", "pod-security.kubernetes.io/enforce=baseline")
			.requireSuccess();

		assertThat(result.stderr()).contains(
				"Warning: existing pods in namespace \"tightened\" violate the new PodSecurity enforce level \"baseline:latest\"",
				"Warning: p: privileged");
		assertThat(admin.run("get", "namespace", "tightened", "-o", "jsonpath={.metadata.labels}")
			.requireSuccess()
			.stdout()).contains("\"pod-security.kubernetes.io/enforce\":\"baseline\"");
	}

	/**
	 * A namespace with the labels given (after {@code pod-security.kubernetes.io/}) and
	 * its default account.
	 */
	private static void namespace(String name, String labels) {
		apply("", name + "-namespace.yaml", """
				apiVersion: v1
				kind: Namespace
				metadata:
				  name: %s
				  labels:
				    pod-security.kubernetes.io/%s
				""".formatted(name, labels)).requireSuccess();
		// no controller runs here to create it, and the ServiceAccount plugin wants it
		admin.run("create", "serviceaccount", "default", "-n", name).requireSuccess();
	}

	private static KubectlResult apply(String namespace, String file, String yaml) {
		Path path = directory.resolve(file);
		try {
			Files.writeString(path, yaml);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return namespace.isEmpty() ? admin.run("create", "-f", path.toString())
				: admin.run("create", "-f", path.toString(), "-n", namespace);
	}

}
