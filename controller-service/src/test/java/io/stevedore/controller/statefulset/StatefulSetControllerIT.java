package io.stevedore.controller.statefulset;

import java.time.Duration;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.stevedore.controller.support.ControlPlaneTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A StatefulSet against the real apiserver; the test marks pods Running and Ready. */
class StatefulSetControllerIT extends ControlPlaneTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Test
	void aStatefulSetCreatesWeb0ThenWeb1OnceWeb0IsReadyEachWithItsClaim() {
		String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		client.apps()
			.statefulSets()
			.inNamespace(ns)
			.resource(new StatefulSetBuilder().withNewMetadata()
				.withName("web")
				.endMetadata()
				.withNewSpec()
				.withReplicas(2)
				.withServiceName("web")
				.withNewSelector()
				.addToMatchLabels("app", "web")
				.endSelector()
				.withNewTemplate()
				.withNewMetadata()
				.addToLabels("app", "web")
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName("app")
				.withImage("busybox")
				.endContainer()
				.endSpec()
				.endTemplate()
				.withVolumeClaimTemplates(new PersistentVolumeClaimBuilder().withNewMetadata()
					.withName("data")
					.endMetadata()
					.withNewSpec()
					.withAccessModes("ReadWriteOnce")
					.withNewResources()
					.addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
					.endResources()
					.endSpec()
					.build())
				.endSpec()
				.build())
			.create();

		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(client.pods().inNamespace(ns).withName("web-0").get()).isNotNull());
		assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data-web-0").get()).isNotNull();
		// OrderedReady: no web-1 while web-0 is not Ready.
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(3))
			.until(() -> client.pods().inNamespace(ns).withName("web-1").get() == null);

		markReady(ns, "web-0");

		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(client.pods().inNamespace(ns).withName("web-1").get()).isNotNull());
		assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data-web-1").get()).isNotNull();
		Pod web1 = client.pods().inNamespace(ns).withName("web-1").get();
		assertThat(web1.getSpec().getHostname()).isEqualTo("web-1");
		assertThat(web1.getSpec().getSubdomain()).isEqualTo("web");
		assertThat(client.apps().controllerRevisions().inNamespace(ns).list().getItems()).hasSize(1);

		client.pods().inNamespace(ns).withName("web-0").delete();
		await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
			assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data-web-0").get())
				.as("the claim outlives the pod")
				.isNotNull();
			assertThat(client.apps().statefulSets().inNamespace(ns).withName("web").get().getStatus().getReplicas())
				.isPositive();
		});
		// What 'kubectl describe statefulset' shows, in Kubernetes' words.
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(eventsIn(ns)).contains(
					"statefulset-controller SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success",
					"statefulset-controller SuccessfulCreate: create Pod web-0 in StatefulSet web successful",
					"statefulset-controller SuccessfulCreate: create Pod web-1 in StatefulSet web successful"));
	}

	private static void markReady(String ns, String name) {
		Pod pod = client.pods().inNamespace(ns).withName(name).get();
		pod.getStatus().setPhase("Running");
		pod.getStatus()
			.setConditions(java.util.List.of(new PodConditionBuilder().withType("Ready")
				.withStatus("True")
				.withLastTransitionTime(java.time.Instant.now().toString())
				.build()));
		client.pods().inNamespace(ns).resource(pod).updateStatus();
	}

}
