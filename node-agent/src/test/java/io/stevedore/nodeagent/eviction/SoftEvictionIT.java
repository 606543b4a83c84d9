package io.stevedore.nodeagent.eviction;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A soft eviction threshold on the real engine and this machine's real memory: set 1 GiB
 * below what is free now, with a grace period of 5 s and at most 10 s for the pod. The
 * hog takes 2 GiB and needs 3 s to stop on SIGTERM: it is evicted only after the
 * threshold held for its grace period, and stops on its own within its 10 s (exit code
 * 0), where a hard threshold's 1 s would have killed it (137).
 */
class SoftEvictionIT {

	private static final String NODE = "soft-eviction-node";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	@BeforeAll
	static void start() throws Exception {
		long threshold = MachineMemory.availableBytes() - (1L << 30);
		cluster = TestCluster.start(dir);
		cluster.startNode(NODE, "--stevedore.node.eviction-soft=memory.available<" + threshold,
				"--stevedore.node.eviction-soft-grace-period=memory.available=5s",
				"--stevedore.node.eviction-max-pod-grace-period=10");
		client = cluster.client();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void theHogIsEvictedAfterTheGracePeriodAndStopsWithinItsOwn() {
		TestPods.running(client,
				TestPods
					.shell("hog", NODE,
							"trap 'sleep 3; exit 0' TERM; dd if=/dev/zero of=/dev/null bs=2000M count=100000000 & wait")
					.editSpec()
					.withTerminationGracePeriodSeconds(30L)
					.endSpec());
		Instant running = Instant.now();

		Pod evicted = await().atMost(Duration.ofSeconds(60))
			.until(() -> client.pods().inNamespace("default").withName("hog").get(),
					p -> "Failed".equals(p.getStatus().getPhase()));
		Duration untilEvicted = Duration.between(running, Instant.now());

		assertThat(evicted.getStatus().getReason()).isEqualTo("Evicted");
		assertThat(evicted.getStatus().getMessage()).startsWith("The node was low on resource: memory. ");
		assertThat(untilEvicted).as("the threshold must hold for 5 s first").isGreaterThan(Duration.ofSeconds(5));
		ContainerStateTerminated terminated = evicted.getStatus()
			.getContainerStatuses()
			.get(0)
			.getState()
			.getTerminated();
		assertThat(terminated).isNotNull();
		assertThat(terminated.getExitCode()).as("stopped on its own after 3 s, within the pod's 10 s").isZero();
	}

}
