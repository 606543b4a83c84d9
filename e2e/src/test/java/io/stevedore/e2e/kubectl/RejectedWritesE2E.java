package io.stevedore.e2e.kubectl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.stevedore.e2e.support.KubectlE2ESupport;
import io.stevedore.e2e.support.Manifests;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes the apiserver refuses, with the Status kubectl turns into its well-known
 * messages, and the proof that a refused write changed nothing.
 */
class RejectedWritesE2E extends KubectlE2ESupport {

	private String ns;

	@BeforeEach
	void applyTheWebApplication(TestInfo test) {
		this.ns = uniqueNamespace(test);
		okWithInput(Manifests.web(this.ns, 2), "apply", "-f", "-");
	}

	@Test
	void replacingWithAStaleResourceVersionFailsWithConflict() throws IOException {
		Path stale = Files.writeString(workDir.resolve("stale-" + this.ns + ".yaml"),
				ok("get", "configmap", "web-config", "-n", this.ns, "-o", "yaml"));
		ok("label", "configmap", "web-config", "-n", this.ns, "changed=meanwhile");
		String after = ok("get", "configmap", "web-config", "-n", this.ns, "-o", "yaml");

		KubectlResult result = fails("replace", "-f", stale.toString());

		assertThat(result.stderr()).contains("Error from server (Conflict)")
			.contains("Operation cannot be fulfilled on configmaps \"web-config\"")
			.contains("the object has been modified; please apply your changes to the latest version and try again");
		assertThat(ok("get", "configmap", "web-config", "-n", this.ns, "-o", "yaml")).isEqualTo(after);
	}

	@Test
	void negativeReplicasAreInvalidAndTheFieldIsNamed() {
		KubectlResult result = failsWithInput(Manifests.web(this.ns, -1), "apply", "-f", "-");

		assertThat(result.stderr()).contains("\"web\" is invalid")
			.contains("spec.replicas: Invalid value: -1: must be greater than or equal to 0");
		assertThat(ok("get", "deployment", "web", "-n", this.ns, "-o", "jsonpath={.spec.replicas}")).isEqualTo("2");
	}

	@Test
	void aNameThatIsNotADnsSubdomainIsInvalidAndNothingIsCreated() {
		String before = ok("get", "configmaps", "-n", this.ns, "-o", "name");

		KubectlResult result = failsWithInput("""
				apiVersion: v1
				kind: ConfigMap
				metadata:
				  name: Bad_Name
				  namespace: %s
				""".formatted(this.ns), "create", "-f", "-");

		assertThat(result.stderr()).contains("\"Bad_Name\" is invalid")
			.contains("metadata.name: Invalid value: \"Bad_Name\"")
			.contains("RFC 1123 subdomain");
		assertThat(ok("get", "configmaps", "-n", this.ns, "-o", "name")).isEqualTo(before);
	}

	@Test
	void creatingWhatExistsFailsWithAlreadyExists() {
		assertThat(failsWithInput(configMap("web-config", this.ns), "create", "-f", "-").stderr())
			.contains("Error from server (AlreadyExists)")
			.contains("configmaps \"web-config\" already exists");
	}

	@Test
	void creatingInAMissingNamespaceFailsWithNotFound() {
		assertThat(failsWithInput(configMap("orphan", this.ns + "-missing"), "create", "-f", "-").stderr())
			.contains("Error from server (NotFound)")
			.contains("namespaces \"" + this.ns + "-missing\" not found");
	}

	private static String configMap(String name, String namespace) {
		return """
				apiVersion: v1
				kind: ConfigMap
				metadata:
				  name: %s
				  namespace: %s
				""".formatted(name, namespace);
	}

}
