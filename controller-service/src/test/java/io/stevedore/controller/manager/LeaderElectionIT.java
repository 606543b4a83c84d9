package io.stevedore.controller.manager;

import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.support.ControlPlane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two controller-service replicas on one apiserver: one active set, and a takeover. */
class LeaderElectionIT {

	@TempDir
	Path dataDir;

	@Test
	void onlyTheLeaseHolderRunsControllersAndAStandbyTakesOverWithin15SecondsWhenItStops() {
		try (ControlPlane plane = ControlPlane.start(this.dataDir); KubernetesClient client = plane.client()) {
			ControllerManager first = plane.controllers().getBean(ControllerManager.class);
			ConfigurableApplicationContext second = plane.startControllers("test-replica-2");
			try {
				ControllerManager standby = second.getBean(ControllerManager.class);
				Lease lease = client.leases().inNamespace("kube-system").withName("kube-controller-manager").get();
				assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("test-replica-1");
				assertThat(first.isActive()).isTrue();
				assertThat(standby.isActive()).as("the standby waits").isFalse();

				plane.controllers().close();

				await().atMost(Duration.ofSeconds(15)).until(standby::isActive);
				assertThat(client.leases()
					.inNamespace("kube-system")
					.withName("kube-controller-manager")
					.get()
					.getSpec()
					.getHolderIdentity()).isEqualTo("test-replica-2");
			}
			finally {
				second.close();
			}
		}
	}

}
