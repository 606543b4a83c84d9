package io.stevedore.controller.replicaset;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.stevedore.controller.deployment.FakeKubelet;
import io.stevedore.controller.support.ControlPlaneTest;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.PodStates;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A bare ReplicaSet against the real apiserver: adoption, release, scale-down order,
 * events.
 */
class ReplicaSetIT extends ControlPlaneTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void aReplicaSetAdoptsAMatchingOrphanCreatesTheRestAndReleasesARelabelledPod() {
		String ns = createNamespace();
		Pod orphan = client.pods().inNamespace(ns).resource(pod("orphan", Map.of("app", "cache"))).create();

		ReplicaSet rs = client.apps().replicaSets().inNamespace(ns).resource(replicaSet("cache", 2)).create();

		await().atMost(TIMEOUT).untilAsserted(() -> {
			List<Pod> pods = active(ns);
			assertThat(pods).hasSize(2)
				.allSatisfy(p -> assertThat(ControllerRefs.isControlledBy(p, rs.getMetadata().getUid())).isTrue());
			assertThat(pods)
				.anySatisfy(p -> assertThat(p.getMetadata().getUid()).isEqualTo(orphan.getMetadata().getUid()));
			ReplicaSet current = client.apps().replicaSets().inNamespace(ns).withName("cache").get();
			// The pods can be adopted before the first status is written: an assertion
			// (retried), not a NullPointerException (which ends the wait).
			assertThat(current.getStatus()).isNotNull();
			assertThat(current.getStatus().getReplicas()).isEqualTo(2);
			assertThat(current.getStatus().getObservedGeneration()).isEqualTo(current.getMetadata().getGeneration());
		});

		client.pods().inNamespace(ns).withName("orphan").edit(p -> {
			p.getMetadata().setLabels(Map.of("app", "debugging"));
			return p;
		});

		await().atMost(TIMEOUT).untilAsserted(() -> {
			Pod released = client.pods().inNamespace(ns).withName("orphan").get();
			assertThat(ControllerRefs.controllerOf(released)).isNull();
			assertThat(active(ns).stream()
				.filter(p -> ControllerRefs.isControlledBy(p, rs.getMetadata().getUid()))
				.count()).isEqualTo(2);
		});
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems()).anySatisfy(e -> {
				assertThat(e.getReason()).isEqualTo("SuccessfulCreate");
				assertThat(e.getInvolvedObject().getName()).isEqualTo("cache");
			}));
	}

	@Test
	void scalingDownKeepsTheReadyPods() {
		String ns = createNamespace();
		client.apps().replicaSets().inNamespace(ns).resource(replicaSet("web", 4)).create();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(active(ns)).hasSize(4));
		List<Pod> pods = active(ns);
		FakeKubelet.markReady(client, pods.get(0));
		FakeKubelet.markReady(client, pods.get(1));
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(
					client.apps().replicaSets().inNamespace(ns).withName("web").get().getStatus().getReadyReplicas())
				.isEqualTo(2));

		client.apps().replicaSets().inNamespace(ns).withName("web").scale(2);

		await().atMost(TIMEOUT)
			.untilAsserted(
					() -> assertThat(active(ns)).hasSize(2).allSatisfy(p -> assertThat(PodStates.isReady(p)).isTrue()));
	}

	private static List<Pod> active(String ns) {
		return client.pods().inNamespace(ns).list().getItems().stream().filter(PodStates::isActive).toList();
	}

	private static ReplicaSet replicaSet(String name, int replicas) {
		return new ReplicaSetBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withReplicas(replicas)
			.withNewSelector()
			.addToMatchLabels("app", name)
			.endSelector()
			.withNewTemplate()
			.withNewMetadata()
			.addToLabels("app", name)
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.endTemplate()
			.endSpec()
			.build();
	}

	private static Pod pod(String name, Map<String, String> labels) {
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withLabels(labels)
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.build();
	}

}
