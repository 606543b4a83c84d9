package io.stevedore.nodeagent.runtime.simulated;

import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.support.ReachableNode;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two node agents with the simulated runtime against the real apiserver: the real agent
 * (registration, lease, pod sync, probes, status) on an engine that runs nothing, so pods
 * go through their whole life without one Docker container.
 */
class SimulatedNodeIT {

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	@BeforeAll
	static void start() {
		cluster = TestCluster.start(dir);
		cluster.startNode("sim-a", "--stevedore.node.runtime=simulated", "--stevedore.node.simulated.cpus=64",
				"--stevedore.node.simulated.pod-cidr=100.100.1.0/24");
		// sim-b publishes its real port as the kubelet endpoint, so its pods' logs can be
		// read.
		ReachableNode.start(cluster, "sim-b", "--stevedore.node.runtime=simulated",
				"--stevedore.node.simulated.pod-cidr=100.100.2.0/24");
		client = cluster.client();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void simulatedNodesRegisterReadyWithTheirCapacityAndASimulatedRuntime() {
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			var node = client.nodes().withName("sim-a").get();
			assertThat(node).isNotNull();
			assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion()).isEqualTo("simulated://1.0.0");
			assertThat(node.getStatus().getCapacity().get("cpu").toString()).isEqualTo("64");
			assertThat(node.getMetadata().getLabels()).containsEntry("type", "simulated");
			assertThat(node.getStatus().getConditions())
				.anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
			assertThat(client.nodes().withName("sim-b").get()).isNotNull();
		});
	}

	@Test
	void theKubeletRecordsItsNodesEventsAsKubernetesDoesAndACordonIsOne() {
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(nodeEvents("sim-a")).contains("Starting: Starting kubelet.",
					"NodeHasSufficientMemory: Node sim-a status is now: NodeHasSufficientMemory",
					"NodeHasNoDiskPressure: Node sim-a status is now: NodeHasNoDiskPressure",
					"NodeHasSufficientPID: Node sim-a status is now: NodeHasSufficientPID"));
		var event = client.v1()
			.events()
			.inNamespace("default")
			.withField("involvedObject.name", "sim-a")
			.list()
			.getItems()
			.get(0);
		assertThat(event.getInvolvedObject().getKind()).isEqualTo("Node");
		assertThat(event.getSource().getComponent()).isEqualTo("kubelet");
		assertThat(event.getSource().getHost()).isEqualTo("sim-a");

		client.nodes().withName("sim-a").edit(n -> {
			n.getSpec().setUnschedulable(true);
			return n;
		});
		try {
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(nodeEvents("sim-a"))
					.contains("NodeNotSchedulable: Node sim-a status is now: NodeNotSchedulable"));
		}
		finally {
			client.nodes().withName("sim-a").edit(n -> {
				n.getSpec().setUnschedulable(null);
				return n;
			});
		}
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(nodeEvents("sim-a"))
				.contains("NodeSchedulable: Node sim-a status is now: NodeSchedulable"));
	}

	private static java.util.List<String> nodeEvents(String node) {
		return client.v1()
			.events()
			.inNamespace("default")
			.withField("involvedObject.name", node)
			.list()
			.getItems()
			.stream()
			.map(e -> e.getReason() + ": " + e.getMessage())
			.toList();
	}

	@Test
	void aPodWithAnHttpReadinessProbeRunsAndBecomesReadyWithAnAddressFromItsNodesBlock() {
		String before = Docker.run("ps", "-aq", "--filter", "label=io.kubernetes.pod.name=sim-web");
		Pod pod = TestPods.shell("sim-web", "sim-a", "httpd -f -p 8080")
			.editSpec()
			.editFirstContainer()
			.withReadinessProbe(new ProbeBuilder().withNewHttpGet()
				.withPath("/")
				.withPort(new IntOrString(8080))
				.endHttpGet()
				.withPeriodSeconds(1)
				.build())
			.endContainer()
			.endSpec()
			.build();
		client.pods().resource(pod).create();

		Pod ready = TestPods.await(client, "sim-web", TestPods::ready);

		assertThat(ready.getStatus().getPhase()).isEqualTo("Running");
		assertThat(ready.getStatus().getPodIP()).startsWith("100.100.1.");
		assertThat(Docker.run("ps", "-aq", "--filter", "label=io.kubernetes.pod.name=sim-web")).isEqualTo(before)
			.isEmpty();
	}

	@Test
	void aPodWhoseCommandExitsNonZeroFailsWithTheExitCodeAndOneThatSleepsSucceeds() {
		client.pods()
			.resource(TestPods.shell("sim-fail", "sim-b", "echo failing; exit 3")
				.editSpec()
				.withRestartPolicy("Never")
				.endSpec()
				.build())
			.create();
		client.pods()
			.resource(TestPods.shell("sim-done", "sim-b", "sleep 1")
				.editSpec()
				.withRestartPolicy("Never")
				.endSpec()
				.build())
			.create();

		Pod failed = TestPods.await(client, "sim-fail", (p) -> "Failed".equals(p.getStatus().getPhase()));
		Pod done = TestPods.await(client, "sim-done", (p) -> "Succeeded".equals(p.getStatus().getPhase()));

		assertThat(failed.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
			.isEqualTo(3);
		assertThat(done.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isZero();
		assertThat(client.pods().inNamespace("default").withName("sim-fail").getLog()).isEqualTo("failing\n");
	}

	@Test
	void kubectlExecIntoASimulatedPodIsRefusedWithTheReason() throws Exception {
		client.pods().resource(TestPods.sleeper("sim-exec", "sim-b")).create();
		TestPods.await(client, "sim-exec", (p) -> "Running".equals(p.getStatus().getPhase()));
		Kubectl kubectl = ReachableNode.kubectl(cluster, dir);

		KubectlResult exec = kubectl.run("exec", "sim-exec", "--", "true");

		assertThat(exec.exitCode()).as(exec.describe()).isNotZero();
		assertThat(exec.stderr()).contains("a simulated node runs no processes to exec into");
	}

	@Test
	void aDeletedPodGoesAwayAndItsAddressIsFreedForTheNext() {
		client.pods().resource(TestPods.sleeper("sim-gone", "sim-b")).create();
		Pod running = TestPods.await(client, "sim-gone", (p) -> "Running".equals(p.getStatus().getPhase()));
		assertThat(running.getStatus().getPodIP()).startsWith("100.100.2.");

		client.pods().inNamespace("default").withName("sim-gone").delete();

		await().atMost(Duration.ofSeconds(30))
			.until(() -> client.pods().inNamespace("default").withName("sim-gone").get() == null);
	}

}
