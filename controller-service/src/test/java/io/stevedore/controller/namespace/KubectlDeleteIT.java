package io.stevedore.controller.namespace;

import java.io.IOException;
import java.nio.file.Path;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.support.ControlPlane;
import io.stevedore.controller.support.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real kubectl waits for a deletion to finish: without a garbage collector and a
 * namespace controller these commands would hang.
 */
class KubectlDeleteIT {

	@TempDir
	static Path dataDir;

	static ControlPlane plane;

	static KubernetesClient client;

	@BeforeAll
	static void start() {
		plane = ControlPlane.start(dataDir);
		client = plane.client();
	}

	@AfterAll
	static void stop() {
		client.close();
		plane.close();
	}

	@Test
	void kubectlDeleteDeploymentWithCascadeOrphanReturnsAndLeavesTheReplicaSet() throws Exception {
		kubectl(0, "create", "namespace", "orphans");
		kubectl(0, "-n", "orphans", "create", "deployment", "x", "--image=busybox");
		var deployment = client.apps().deployments().inNamespace("orphans").withName("x").get();
		client.apps()
			.replicaSets()
			.inNamespace("orphans")
			.resource(new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder().withNewMetadata()
				.withName("x-1")
				.addNewOwnerReference()
				.withApiVersion("apps/v1")
				.withKind("Deployment")
				.withName("x")
				.withUid(deployment.getMetadata().getUid())
				.withController(true)
				.withBlockOwnerDeletion(true)
				.endOwnerReference()
				.endMetadata()
				.withNewSpec()
				.withReplicas(0)
				.withNewSelector()
				.addToMatchLabels("app", "x")
				.endSelector()
				.withNewTemplate()
				.withNewMetadata()
				.addToLabels("app", "x")
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName("busybox")
				.withImage("busybox")
				.endContainer()
				.endSpec()
				.endTemplate()
				.endSpec()
				.build())
			.create();

		kubectl(0, "-n", "orphans", "delete", "deploy", "x", "--cascade=orphan", "--timeout=30s");

		assertThat(client.apps().deployments().inNamespace("orphans").withName("x").get()).isNull();
		ReplicaSet left = client.apps().replicaSets().inNamespace("orphans").withName("x-1").get();
		assertThat(left.getMetadata().getOwnerReferences()).isEmpty();
	}

	@Test
	void kubectlDeleteNamespaceReturnsOnceTheNamespaceIsGone() throws Exception {
		kubectl(0, "create", "namespace", "y");
		kubectl(0, "-n", "y", "create", "configmap", "c", "--from-literal=k=v");

		kubectl(0, "delete", "ns", "y", "--timeout=30s");

		assertThat(client.namespaces().withName("y").get()).isNull();
	}

	private static void kubectl(int expectedExit, String... args) throws IOException, InterruptedException {
		new Kubectl(plane.url()).expect(expectedExit, args);
	}

}
