package io.stevedore.controller.namespace;

import java.time.Duration;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.stevedore.controller.support.ControlPlaneTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Namespace deletion end to end against the real apiserver. */
class NamespaceControllerIT extends ControlPlaneTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void deletingANamespaceWithConfigMapsPodsAndDeploymentsEndsWithTheNamespaceGone() {
		String ns = createNamespace();
		client.configMaps()
			.inNamespace(ns)
			.resource(new ConfigMapBuilder().withNewMetadata()
				.withName("settings")
				.endMetadata()
				.addToData("k", "v")
				.build())
			.create();
		client.pods()
			.inNamespace(ns)
			.resource(new PodBuilder().withNewMetadata()
				.withName("web")
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName("app")
				.withImage("busybox")
				.endContainer()
				.endSpec()
				.build())
			.create();
		client.apps()
			.deployments()
			.inNamespace(ns)
			.resource(new DeploymentBuilder().withNewMetadata()
				.withName("api")
				.endMetadata()
				.withNewSpec()
				.withNewSelector()
				.addToMatchLabels("app", "api")
				.endSelector()
				.withNewTemplate()
				.withNewMetadata()
				.addToLabels("app", "api")
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName("app")
				.withImage("busybox")
				.endContainer()
				.endSpec()
				.endTemplate()
				.endSpec()
				.build())
			.create();

		client.namespaces().withName(ns).delete();

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.namespaces().withName(ns).get()).isNull());
		assertThat(client.configMaps().inNamespace(ns).list().getItems()).isEmpty();
		assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
		assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
	}

	@Test
	void aNamespaceStaysTerminatingWithConditionsWhileContentIsHeldByAFinalizer() {
		String ns = createNamespace();
		client.configMaps()
			.inNamespace(ns)
			.resource(new ConfigMapBuilder().withNewMetadata()
				.withName("held")
				.addToFinalizers("example.com/hold")
				.endMetadata()
				.build())
			.create();

		client.namespaces().withName(ns).delete();

		await().atMost(TIMEOUT).untilAsserted(() -> {
			Namespace terminating = client.namespaces().withName(ns).get();
			assertThat(terminating.getStatus().getPhase()).isEqualTo("Terminating");
			assertThat(terminating.getStatus().getConditions()).anySatisfy(c -> {
				assertThat(c.getType()).isEqualTo("NamespaceFinalizersRemaining");
				assertThat(c.getStatus()).isEqualTo("True");
				assertThat(c.getMessage()).contains("example.com/hold in 1 resource instances");
			});
		});

		client.configMaps().inNamespace(ns).withName("held").edit(cm -> {
			cm.getMetadata().getFinalizers().clear();
			return cm;
		});

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.namespaces().withName(ns).get()).isNull());
	}

}
