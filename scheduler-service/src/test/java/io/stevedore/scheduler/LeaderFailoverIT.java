package io.stevedore.scheduler;

import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.scheduler.manager.SchedulerManager;
import io.stevedore.scheduler.support.ControlPlane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two scheduler replicas on one apiserver: one schedules, the other takes over. */
class LeaderFailoverIT {

	@TempDir
	Path dataDir;

	@Test
	void onlyTheLeaseHolderSchedulesAndAStandbyTakesOverWithin15SecondsWhenItStops() {
		try (ControlPlane plane = ControlPlane.start(this.dataDir); KubernetesClient client = plane.client()) {
			ConfigurableApplicationContext first = plane.startScheduler("replica-1");
			ConfigurableApplicationContext second = plane.startScheduler("replica-2");
			SchedulerManager standby = second.getBean(SchedulerManager.class);
			ControlPlane.createNode(client, node("n1").build());
			assertThat(client.leases()
				.inNamespace("kube-system")
				.withName("kube-scheduler")
				.get()
				.getSpec()
				.getHolderIdentity()).isEqualTo("replica-1");
			assertThat(standby.isActive()).as("the standby waits").isFalse();
			client.pods()
				.inNamespace("default")
				.resource(pod("before").editMetadata().withUid(null).endMetadata().build())
				.create();
			await().atMost(Duration.ofSeconds(20)).until(() -> "n1".equals(nodeOf(client, "before")));

			first.close();

			await().atMost(Duration.ofSeconds(15)).until(standby::isActive);
			client.pods()
				.inNamespace("default")
				.resource(pod("after").editMetadata().withUid(null).endMetadata().build())
				.create();
			await().atMost(Duration.ofSeconds(20)).until(() -> "n1".equals(nodeOf(client, "after")));
			assertThat(client.leases()
				.inNamespace("kube-system")
				.withName("kube-scheduler")
				.get()
				.getSpec()
				.getHolderIdentity()).isEqualTo("replica-2");
		}
	}

	private static String nodeOf(KubernetesClient client, String name) {
		Pod pod = client.pods().inNamespace("default").withName(name).get();
		return pod == null ? null : pod.getSpec().getNodeName();
	}

}
