package io.stevedore.scheduler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.scheduler.manager.SchedulerManager;
import io.stevedore.scheduler.support.ControlPlane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The informers plugins start on first use (DefaultPreemption's PodDisruptionBudgets,
 * VolumeBinding's claims) end with the scheduler: counted as the watches the real
 * apiserver serves, which must all be gone once the scheduler stops, its client still
 * open. Without the plugins' close the budget and claim watches stay open: two.
 */
class PluginInformersIT {

	@TempDir
	Path dataDir;

	@Test
	void theBudgetAndClaimInformersStartedByPluginsCloseWhenTheSchedulerStops() {
		try (ControlPlane plane = ControlPlane.start(this.dataDir); KubernetesClient client = plane.client()) {
			SchedulerManager manager = plane.startScheduler("informers-it").getBean(SchedulerManager.class);
			int termWatches = plane.openWatches();
			client.namespaces()
				.resource(new NamespaceBuilder().withNewMetadata().withName("inf").endMetadata().build())
				.create();
			ControlPlane.createNode(client, node("inf-1", "2", "8Gi").build());
			create(client, pod("low", "2", "").editSpec().withTerminationGracePeriodSeconds(0L).endSpec().build());
			await().atMost(Duration.ofSeconds(20)).until(() -> "inf-1".equals(nodeOf(client, "low")));

			// A preemption lists the budgets (informer one); a pod with a claim reads it
			// (informer two; the claim does not exist, the pod stays Pending).
			client
				.resource(new PriorityClassBuilder().withNewMetadata()
					.withName("important")
					.endMetadata()
					.withValue(1000)
					.build())
				.create();
			create(client, pod("high", "2", "").editSpec().withPriorityClassName("important").endSpec().build());
			await().atMost(Duration.ofSeconds(30)).until(() -> "inf-1".equals(nodeOf(client, "high")));
			create(client,
					pod("claims", "", "").editSpec()
						.addNewVolume()
						.withName("data")
						.withNewPersistentVolumeClaim("absent", false)
						.endVolume()
						.endSpec()
						.build());
			await().atMost(Duration.ofSeconds(20)).until(() -> plane.openWatches() >= termWatches + 2);

			manager.stop();

			// The apiserver finds a watch whose client went away when it writes to it:
			// each
			// round changes an object of every type the scheduler watched.
			AtomicInteger round = new AtomicInteger();
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
				touchEveryWatchedType(client, round.incrementAndGet());
				assertThat(plane.openWatches()).isZero();
			});

			// The next term (leadership regained) retries the pending pod with the claim:
			// its informer opens again, one watch over the term's own.
			manager.start();
			await().atMost(Duration.ofSeconds(30)).until(manager::isActive);
			await().atMost(Duration.ofSeconds(20)).until(() -> plane.openWatches() >= termWatches + 1);
		}
	}

	private static void touchEveryWatchedType(KubernetesClient client, int round) {
		String name = "touch-" + round;
		create(client, pod(name).build());
		ControlPlane.createNode(client, node(name).build());
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
			.create();
		client.resource(new PriorityClassBuilder().withNewMetadata().withName(name).endMetadata().withValue(1).build())
			.create();
		client.policy()
			.v1()
			.podDisruptionBudget()
			.inNamespace("inf")
			.resource(new PodDisruptionBudgetBuilder().withNewMetadata()
				.withName(name)
				.endMetadata()
				.withNewSpec()
				.withMinAvailable(new IntOrString(1))
				.withNewSelector()
				.addToMatchLabels("app", name)
				.endSelector()
				.endSpec()
				.build())
			.create();
		client.persistentVolumeClaims()
			.inNamespace("inf")
			.resource(new PersistentVolumeClaimBuilder().withNewMetadata()
				.withName(name)
				.endMetadata()
				.withNewSpec()
				.withAccessModes("ReadWriteOnce")
				.withNewResources()
				.addToRequests("storage", new Quantity("1Gi"))
				.endResources()
				.endSpec()
				.build())
			.create();
	}

	private static void create(KubernetesClient client, Pod pod) {
		pod.getMetadata().setNamespace("inf");
		pod.getMetadata().setUid(null);
		client.pods().inNamespace("inf").resource(pod).create();
	}

	private static String nodeOf(KubernetesClient client, String name) {
		Pod pod = client.pods().inNamespace("inf").withName(name).get();
		return pod == null ? null : pod.getSpec().getNodeName();
	}

}
