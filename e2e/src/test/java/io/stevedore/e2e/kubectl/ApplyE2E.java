package io.stevedore.e2e.kubectl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.stevedore.e2e.support.KubectlE2ESupport;
import io.stevedore.e2e.support.Manifests;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl apply}, client-side and server-side, and what it does with bad input.
 */
class ApplyE2E extends KubectlE2ESupport {

	@Test
	void applyingAMultiDocumentFileCreatesEachObjectThenReportsEachUnchanged(TestInfo test) throws IOException {
		String ns = uniqueNamespace(test);
		Path file = Files.writeString(workDir.resolve(ns + ".yaml"), Manifests.web(ns, 2));

		assertThat(ok("apply", "-f", file.toString()).lines()).containsExactly("namespace/" + ns + " created",
				"configmap/web-config created", "secret/web-secret created", "deployment.apps/web created",
				"service/web created");
		assertThat(ok("apply", "-f", file.toString()).lines()).containsExactly("namespace/" + ns + " unchanged",
				"configmap/web-config unchanged", "secret/web-secret unchanged", "deployment.apps/web unchanged",
				"service/web unchanged");
	}

	@Test
	void reapplyingWithAnotherReplicaCountConfiguresOnlyTheDeployment(TestInfo test) {
		String ns = uniqueNamespace(test);
		okWithInput(Manifests.web(ns, 2), "apply", "-f", "-");

		assertThat(okWithInput(Manifests.web(ns, 3), "apply", "-f", "-").lines()).containsExactly(
				"namespace/" + ns + " unchanged", "configmap/web-config unchanged", "secret/web-secret unchanged",
				"deployment.apps/web configured", "service/web unchanged");
		assertThat(ok("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}")).isEqualTo("3");
		assertThat(ok("get", "deployment", "web", "-n", ns, "-o",
				"jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}"))
			.contains("\"replicas\":3");
	}

	@Test
	void serverSideApplyCreatesThenUpdatesWithKubectlAsTheFieldManager(TestInfo test) {
		String ns = uniqueNamespace(test);

		assertThat(okWithInput(Manifests.web(ns, 1), "apply", "--server-side", "-f", "-").lines()).containsExactly(
				"namespace/" + ns + " serverside-applied", "configmap/web-config serverside-applied",
				"secret/web-secret serverside-applied", "deployment.apps/web serverside-applied",
				"service/web serverside-applied");
		okWithInput(Manifests.web(ns, 4), "apply", "--server-side", "-f", "-");

		assertThat(ok("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}")).isEqualTo("4");
		assertThat(ok("get", "deployment", "web", "-n", ns, "--show-managed-fields", "-o",
				"jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation} {end}"))
			.contains("kubectl/Apply");
	}

	@Test
	void serverSideApplyOfAFieldOwnedByAnotherManagerConflictsUnlessForced(TestInfo test) {
		String ns = uniqueNamespace(test);
		okWithInput(Manifests.web(ns, 1), "apply", "--server-side", "-f", "-");

		KubectlResult conflict = failsWithInput(Manifests.web(ns, 5), "apply", "--server-side", "--field-manager=other",
				"-f", "-");

		assertThat(conflict.stderr()).contains("conflict").contains(".spec.replicas");
		assertThat(ok("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}")).isEqualTo("1");
		okWithInput(Manifests.web(ns, 5), "apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f",
				"-");
		assertThat(ok("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}")).isEqualTo("5");
	}

	@Test
	void malformedYamlIsRejectedWithTheLineAndChangesNothing(TestInfo test) {
		String ns = createNamespace(test);
		String broken = """
				apiVersion: v1
				kind: ConfigMap
				metadata:
				  name: broken
				  namespace: %s
				data: [unclosed
				""".formatted(ns);

		KubectlResult result = failsWithInput(broken, "apply", "-f", "-");

		assertThat(result.stderr()).contains("error parsing STDIN").contains("yaml: line 6");
		assertThat(kubectl.run("get", "configmaps", "-n", ns, "-o", "name").stdout()).doesNotContain("broken");
	}

	@Test
	void anUnknownFieldIsRejectedUnderStrictValidationAndNamed(TestInfo test) {
		String ns = uniqueNamespace(test);
		okWithInput(Manifests.web(ns, 2), "apply", "-f", "-");
		String typo = Manifests.web(ns, 2).replace("  replicas: 2", "  replica: 7");

		KubectlResult result = failsWithInput(typo, "apply", "--validate=strict", "-f", "-");

		assertThat(result.stderr()).contains("unknown field \"spec.replica\"");
		assertThat(ok("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}")).isEqualTo("2");
	}

	@Test
	void anUnknownFieldIsOnlyAWarningUnderWarnValidation(TestInfo test) {
		String ns = createNamespace(test);
		String configMap = """
				apiVersion: v1
				kind: ConfigMap
				metadata:
				  name: lenient
				  namespace: %s
				  colour: blue
				data:
				  k: v
				""".formatted(ns);

		KubectlResult result = kubectl.runWithInput(configMap, "create", "--validate=warn", "-f", "-").requireSuccess();

		assertThat(result.stderr()).contains("Warning").contains("unknown field \"metadata.colour\"");
		assertThat(ok("get", "configmap", "lenient", "-n", ns, "-o", "jsonpath={.data.k}")).isEqualTo("v");
	}

}
