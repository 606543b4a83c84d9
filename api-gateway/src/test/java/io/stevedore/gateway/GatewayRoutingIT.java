package io.stevedore.gateway;

import java.nio.file.Path;
import java.time.Duration;

import io.stevedore.gateway.support.GatewayCluster;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real kubectl with the admin kubeconfig the gateway wrote, over TLS, through the
 * gateway to the real apiserver.
 */
class GatewayRoutingIT {

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	@BeforeAll
	static void start() {
		cluster = GatewayCluster.start(directory);
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void adminAppliesAndGetsAConfigMapThroughTheGateway() {
		admin.runWithInput("""
				apiVersion: v1
				kind: ConfigMap
				metadata:
				  name: routed
				  namespace: default
				data:
				  through: gateway
				""", "apply", "-f", "-").requireSuccess();

		assertThat(admin.run("get", "configmap", "routed", "-o", "jsonpath={.data.through}").requireSuccess().stdout())
			.isEqualTo("gateway");
	}

	@Test
	void aWatchStreamsEventsThroughTheGatewayAsTheyHappen() {
		try (KubectlProcess watch = admin.start("get", "configmaps", "-n", "default", "--watch", "-o", "name")) {
			admin.run("create", "configmap", "watched-1", "-n", "default").requireSuccess();
			watch.awaitStdout((out) -> out.contains("configmap/watched-1"), Duration.ofSeconds(20));
			admin.run("create", "configmap", "watched-2", "-n", "default").requireSuccess();
			assertThat(watch.awaitStdout((out) -> out.contains("configmap/watched-2"), Duration.ofSeconds(10)))
				.contains("configmap/watched-2");
		}
	}

	@Test
	void kubectlWaitSeesAConditionAlreadyMetWithoutWaitingForAnEvent() {
		admin.run("create", "configmap", "met-already", "-n", "default", "--from-literal=state=done").requireSuccess();

		// kubectl wait opens a watch and waits for its head: a gateway that held the
		// head back until the first event (or the 60 s bookmark) made it time out here.
		admin
			.run("wait", "--for=jsonpath={.data.state}=done", "configmap/met-already", "-n", "default", "--timeout=30s")
			.requireSuccess();
	}

	@Test
	void versionAndDiscoveryAreServedThroughTheGateway() {
		assertThat(admin.run("version", "-o", "json").requireSuccess().stdout()).contains("serverVersion");
		assertThat(admin.run("api-resources", "--api-group=apps").requireSuccess().stdout()).contains("deployments");
	}

	@Test
	void explainPrintsKubernetesDescriptionsFromBothOpenApiVersionsThroughTheGateway() {
		String v3 = admin.run("explain", "deployment.spec.strategy").requireSuccess().stdout();
		// kubectl asks /openapi/v2 as protobuf only for the plaintext-openapiv2 output
		String v2 = admin.run("explain", "deployment.spec.strategy", "--output=plaintext-openapiv2")
			.requireSuccess()
			.stdout();

		for (String explained : new String[] { v3, v2 }) {
			assertThat(explained.replaceAll("\\s+", " "))
				.contains("The deployment strategy to use to replace existing pods with new ones.")
				.contains("Rolling update config params.");
		}
	}

}
