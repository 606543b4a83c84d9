package io.stevedore.nodeagent.hollow;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * One process hosting 20 simulated nodes against the real apiserver: each registers Ready
 * with {@code type=simulated} and heartbeats, and the pods bound to any of them go
 * through their phases as on a one-node agent, with addresses from their node's block.
 */
class HollowNodesIT {

	private static final int NODES = 20;

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	@BeforeAll
	static void start() {
		cluster = TestCluster.start(dir);
		cluster.startNode("hollow", "--stevedore.node.runtime=simulated", "--stevedore.node.simulated.nodes=" + NODES,
				"--stevedore.node.simulated.pod-cidr=100.110.0.0/16");
		client = cluster.client();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void everyNodeRegistersReadyWithTheSimulatedLabelAndRuntime() {
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			List<Node> nodes = client.nodes().withLabel("type", "simulated").list().getItems();
			assertThat(nodes).extracting(n -> n.getMetadata().getName())
				.containsExactlyInAnyOrderElementsOf(IntStream.range(0, NODES).mapToObj(i -> "hollow-" + i).toList());
			assertThat(nodes).allSatisfy(node -> {
				// A node is created before its first status: an assertion, so the wait
				// goes
				// on (a NullPointerException ended it in a CI run).
				assertThat(node.getStatus().getNodeInfo()).as(node.getMetadata().getName() + " status").isNotNull();
				assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion()).isEqualTo("simulated://1.0.0");
				assertThat(node.getStatus().getConditions())
					.anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
			});
		});
		// the one-node name is not a node: the host only runs its numbered nodes
		assertThat(client.nodes().withName("hollow").get()).isNull();
	}

	@Test
	void podsBoundToSeveralNodesRunWithAddressesFromTheirNodesBlock() {
		client.pods().resource(TestPods.sleeper("hl-a", "hollow-0")).create();
		client.pods().resource(TestPods.sleeper("hl-b", "hollow-7")).create();
		client.pods().resource(TestPods.sleeper("hl-c", "hollow-19")).create();

		Pod a = TestPods.await(client, "hl-a", p -> "Running".equals(p.getStatus().getPhase()));
		Pod b = TestPods.await(client, "hl-b", p -> "Running".equals(p.getStatus().getPhase()));
		Pod c = TestPods.await(client, "hl-c", p -> "Running".equals(p.getStatus().getPhase()));

		assertThat(a.getStatus().getPodIP()).startsWith("100.110.0.");
		assertThat(b.getStatus().getPodIP()).startsWith("100.110.7.");
		assertThat(c.getStatus().getPodIP()).startsWith("100.110.19.");
		assertThat(List.of(a, b, c)).allSatisfy(
				p -> assertThat(p.getStatus().getContainerStatuses().get(0).getReady()).as(p.getMetadata().getName())
					.isTrue());
	}

	@Test
	void aPodWhoseCommandExitsNonZeroFailsWithTheExitCode() {
		client.pods()
			.resource(TestPods.shell("hl-fail", "hollow-3", "echo failing; exit 3")
				.editSpec()
				.withRestartPolicy("Never")
				.endSpec()
				.build())
			.create();

		Pod failed = TestPods.await(client, "hl-fail", p -> "Failed".equals(p.getStatus().getPhase()));

		assertThat(failed.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
			.isEqualTo(3);
	}

	@Test
	void aDeletedPodGoesAway() {
		client.pods().resource(TestPods.sleeper("hl-gone", "hollow-11")).create();
		TestPods.await(client, "hl-gone", p -> "Running".equals(p.getStatus().getPhase()));

		client.pods().inNamespace("default").withName("hl-gone").delete();

		await().atMost(Duration.ofSeconds(30))
			.until(() -> client.pods().inNamespace("default").withName("hl-gone").get() == null);
	}

	@Test
	void everyNodesLeaseIsRenewed() {
		await().atMost(Duration.ofSeconds(60))
			.until(() -> client.leases().inNamespace("kube-node-lease").list().getItems().size() >= NODES);
		Map<String, ZonedDateTime> first = renewTimes();

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			Map<String, ZonedDateTime> later = renewTimes();
			for (int i = 0; i < NODES; i++) {
				String node = "hollow-" + i;
				assertThat(first).containsKey(node);
				assertThat(later.get(node)).as(node).isAfter(first.get(node));
			}
		});
		Lease lease = client.leases().inNamespace("kube-node-lease").withName("hollow-4").get();
		assertThat(lease.getMetadata().getOwnerReferences()).singleElement()
			.satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("Node/hollow-4"));
	}

	@Test
	void aNodeCountThatIsNotAPositiveNumberIsRefusedAtStart() {
		assertThatThrownBy(() -> cluster.startNode("bad-zero", "--stevedore.node.runtime=simulated",
				"--stevedore.node.simulated.nodes=0"))
			.hasRootCauseMessage("stevedore.node.simulated.nodes must be at least 1, got 0");
		assertThatThrownBy(() -> cluster.startNode("bad-negative", "--stevedore.node.runtime=simulated",
				"--stevedore.node.simulated.nodes=-4"))
			.hasRootCauseMessage("stevedore.node.simulated.nodes must be at least 1, got -4");
		assertThatThrownBy(() -> cluster.startNode("bad-word", "--stevedore.node.runtime=simulated",
				"--stevedore.node.simulated.nodes=many"))
			.hasStackTraceContaining("Failed to bind properties under 'stevedore.node.simulated.nodes' to int");
		assertThatThrownBy(() -> cluster.startNode("bad-docker", "--stevedore.node.simulated.nodes=3"))
			.hasRootCauseMessage(
					"stevedore.node.simulated.nodes=3 needs stevedore.node.runtime=simulated: a Docker node is one node");
		assertThat(client.nodes().withName("bad-zero").get()).isNull();
		assertThat(client.nodes().withName("bad-zero-0").get()).isNull();
	}

	private static Map<String, ZonedDateTime> renewTimes() {
		Map<String, ZonedDateTime> times = new HashMap<>();
		for (Lease lease : client.leases().inNamespace("kube-node-lease").list().getItems()) {
			times.put(lease.getMetadata().getName(), lease.getSpec().getRenewTime());
		}
		return times;
	}

}
