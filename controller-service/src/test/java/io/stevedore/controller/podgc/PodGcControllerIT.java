package io.stevedore.controller.podgc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.stevedore.controller.support.ControlPlane;
import io.stevedore.controller.support.TestPods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PodGC alone against the real apiserver, with a 2 s quarantine, a 1 s period and a
 * terminated-pod threshold of 2 (the test plays the kubelet by writing pod status).
 */
class PodGcControllerIT {

	@TempDir
	static Path dataDir;

	static ControlPlane plane;

	static KubernetesClient client;

	@BeforeAll
	static void startControlPlane() {
		plane = ControlPlane.start(dataDir, "--stevedore.controllers.enabled=podgc",
				"--stevedore.controllers.podgc.quarantine=2s", "--stevedore.controllers.podgc.check-period=1s",
				"--stevedore.controllers.podgc.terminated-pod-gc-threshold=2");
		client = plane.client();
	}

	@AfterAll
	static void stopControlPlane() {
		client.close();
		plane.close();
	}

	@Test
	void podsOfADeletedNodeAreMarkedDisruptionTargetAndForceDeletedAfterTheQuarantine() {
		String ns = namespace();
		String node = "gone-" + UUID.randomUUID().toString().substring(0, 6);
		client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build()).create();
		client.pods().inNamespace(ns).resource(TestPods.bound("orphan", node)).create();
		client.pods().inNamespace(ns).resource(TestPods.bound("elsewhere", null)).create();
		Map<String, Pod> deleted = new ConcurrentHashMap<>();
		try (Watch watch = client.pods().inNamespace(ns).watch(new Watcher<>() {
			@Override
			public void eventReceived(Action action, Pod pod) {
				if (action == Action.DELETED) {
					deleted.put(pod.getMetadata().getName(), pod);
				}
			}

			@Override
			public void onClose(WatcherException cause) {
			}
		})) {
			long removedAt = System.nanoTime();
			client.nodes().withName(node).delete();

			await().atMost(Duration.ofSeconds(20)).until(() -> deleted.containsKey("orphan"));
			assertThat(Duration.ofNanos(System.nanoTime() - removedAt)).as("kept for the quarantine")
				.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
			Pod last = deleted.get("orphan");
			assertThat(last.getStatus().getPhase()).isEqualTo("Failed");
			assertThat(last.getStatus().getConditions()).anySatisfy(c -> {
				assertThat(c.getType()).isEqualTo("DisruptionTarget");
				assertThat(c.getReason()).isEqualTo("DeletionByPodGC");
			});
			assertThat(client.pods().inNamespace(ns).withName("orphan").get()).as("force-deleted, not terminating")
				.isNull();
			assertThat(client.pods().inNamespace(ns).withName("elsewhere").get()).isNotNull();
		}
	}

	@Test
	void terminatedPodsOverTheThresholdGoOldestFirst() throws InterruptedException {
		String ns = namespace();
		String node = "n-" + UUID.randomUUID().toString().substring(0, 6);
		client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build()).create();
		for (String name : new String[] { "first", "second", "third" }) {
			client.pods().inNamespace(ns).resource(TestPods.bound(name, node)).create();
			// Creation timestamps have second precision: space them out.
			Thread.sleep(1100);
		}
		client.pods().inNamespace(ns).resource(TestPods.bound("running", node)).create();
		for (String name : new String[] { "third", "first", "second" }) {
			Pod pod = client.pods().inNamespace(ns).withName(name).get();
			pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Succeeded").build());
			client.pods().inNamespace(ns).resource(pod).updateStatus();
		}

		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(client.pods().inNamespace(ns).withName("first").get()).isNull());
		Thread.sleep(2000);
		assertThat(client.pods().inNamespace(ns).list().getItems()).extracting(p -> p.getMetadata().getName())
			.containsExactlyInAnyOrder("second", "third", "running");
	}

	private static String namespace() {
		String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		return ns;
	}

}
