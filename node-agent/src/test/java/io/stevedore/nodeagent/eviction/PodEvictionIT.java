package io.stevedore.nodeagent.eviction;

import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.docker.Docker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Node-pressure eviction on the real engine and this machine's real memory: the agent's
 * memory.available threshold is set 1 GiB below what the machine has free now, and a pod
 * then takes 2 GiB. The hog (BestEffort, above its request of nothing) is evicted and
 * killed, the modest pod (within its request) keeps running, and while MemoryPressure
 * holds a new BestEffort pod is refused and a Burstable one starts.
 */
class PodEvictionIT {

	private static final String NODE = "eviction-node";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	@BeforeAll
	static void start() throws Exception {
		long threshold = MachineMemory.availableBytes() - (1L << 30);
		cluster = TestCluster.start(dir);
		cluster.startNode(NODE, "--stevedore.node.eviction-hard=memory.available<" + threshold);
		client = cluster.client();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void theMemoryHogIsEvictedTheModestPodStaysAndNewBestEffortPodsAreRefused() {
		Pod modest = TestPods.running(client, sleeperRequesting("modest", "64Mi"));
		// dd's buffer of 2000 MiB, filled from /dev/zero over and over: 2 GiB in use.
		Pod hog = TestPods.running(client,
				TestPods.shell("hog", NODE, "exec dd if=/dev/zero of=/dev/null bs=2000M count=100000000"));

		Pod evicted = await().atMost(Duration.ofSeconds(60))
			.until(() -> client.pods().inNamespace("default").withName("hog").get(),
					p -> "Failed".equals(p.getStatus().getPhase()));
		assertThat(evicted.getStatus().getReason()).isEqualTo("Evicted");
		assertThat(evicted.getStatus().getMessage())
			.startsWith("The node was low on resource: memory. Threshold quantity: ")
			.containsPattern(
					"Container main was using \\d+(Ki|Mi|Gi)?, request is 0, has larger consumption of memory\\. $");
		assertThat(evicted.getStatus().getConditions()).anySatisfy(c -> {
			assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("DisruptionTarget=True");
			assertThat(c.getReason()).isEqualTo("TerminationByKubelet");
		});
		assertThat(Docker.containerIds(RuntimeLabels.POD_UID, hog.getMetadata().getUid())).isNotEmpty();
		assertThat(
				Docker.run("ps", "-q", "--filter", "label=" + RuntimeLabels.POD_UID + "=" + hog.getMetadata().getUid()))
			.as("the hog's containers are stopped (kept for its logs)")
			.isBlank();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(TestPods.events(client, hog)).anySatisfy(e -> {
				assertThat(e.getType() + " " + e.getReason()).isEqualTo("Warning Evicted");
				assertThat(e.getMessage()).isEqualTo(evicted.getStatus().getMessage());
			}));
		assertThat(client.nodes().withName(NODE).get().getStatus().getConditions())
			.anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("MemoryPressure=True"));
		// The machine has its memory back: nothing else goes.
		assertThat(client.pods().inNamespace("default").withName("modest").get().getStatus().getPhase())
			.isEqualTo("Running");

		// MemoryPressure stays for the transition period (5 minutes): admission refuses
		// BestEffort pods and lets others start.
		client.pods().resource(TestPods.sleeper("late", NODE)).create();
		Pod refused = await().atMost(Duration.ofSeconds(30))
			.until(() -> client.pods().inNamespace("default").withName("late").get(),
					p -> p.getStatus() != null && "Failed".equals(p.getStatus().getPhase()));
		assertThat(refused.getStatus().getReason()).isEqualTo("Evicted");
		assertThat(refused.getStatus().getMessage())
			.isEqualTo("Pod was rejected: The node had condition: [MemoryPressure]. ");
		assertThat(Docker.containerIds(RuntimeLabels.POD_UID, refused.getMetadata().getUid()))
			.as("nothing started for the refused pod")
			.isEmpty();
		Pod burstable = TestPods.running(client, sleeperRequesting("burstable", "32Mi"));
		assertThat(burstable.getStatus().getPhase()).isEqualTo("Running");
		assertThat(client.pods().inNamespace("default").withName("modest").get().getStatus().getPhase())
			.isEqualTo("Running");
		assertThat(modest.getStatus().getQosClass()).isEqualTo("Burstable");
	}

	/** A Burstable pod: a sleeper asking for this much memory. */
	private static PodBuilder sleeperRequesting(String name, String memory) {
		return new PodBuilder(TestPods.sleeper(name, NODE)).editSpec()
			.editFirstContainer()
			.withNewResources()
			.addToRequests("memory", new Quantity(memory))
			.endResources()
			.endContainer()
			.endSpec();
	}

}
