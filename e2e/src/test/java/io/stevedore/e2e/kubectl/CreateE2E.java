package io.stevedore.e2e.kubectl;

import io.stevedore.e2e.support.KubectlE2ESupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl's generator commands
 * ({@code kubectl create namespace|configmap|secret|deployment
 * |service}). Unlike {@code apply} and {@code create -f}, they go through client-go's
 * typed clients, which send protobuf bodies ({@code application/vnd.kubernetes.protobuf})
 * for built-in kinds and do not fall back to JSON on 415, so the apiserver has to read
 * protobuf.
 */
class CreateE2E extends KubectlE2ESupport {

	@Test
	void createNamespaceAndConfigMapFromLiterals(TestInfo test) {
		String ns = uniqueNamespace(test);

		assertThat(ok("create", "namespace", ns)).isEqualTo("namespace/" + ns + " created");
		assertThat(ok("create", "configmap", "settings", "-n", ns, "--from-literal=colour=blue"))
			.isEqualTo("configmap/settings created");

		assertThat(ok("get", "configmap", "settings", "-n", ns, "-o", "jsonpath={.data.colour}")).isEqualTo("blue");
	}

	@Test
	void createSecretDeploymentAndService(TestInfo test) {
		String ns = createNamespace(test);

		assertThat(ok("create", "secret", "generic", "creds", "-n", ns, "--from-literal=password=s3cr3t"))
			.isEqualTo("secret/creds created");
		assertThat(ok("create", "deployment", "web", "-n", ns, "--image=nginx:1.27", "--replicas=2"))
			.isEqualTo("deployment.apps/web created");
		assertThat(ok("create", "service", "clusterip", "web", "-n", ns, "--tcp=80:8080"))
			.isEqualTo("service/web created");

		assertThat(ok("get", "secret", "creds", "-n", ns, "-o", "jsonpath={.data.password}")).isEqualTo("czNjcjN0");
		assertThat(ok("get", "deployment", "web", "-n", ns, "-o",
				"jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}"))
			.isEqualTo("2 nginx:1.27");
		assertThat(ok("get", "service", "web", "-n", ns, "-o", "jsonpath={.spec.ports[0].targetPort}"))
			.isEqualTo("8080");
	}

}
