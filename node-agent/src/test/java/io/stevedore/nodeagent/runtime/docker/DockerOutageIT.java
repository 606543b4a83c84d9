package io.stevedore.nodeagent.runtime.docker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.stevedore.nodeagent.runtime.GuardedContainerRuntime;
import io.stevedore.nodeagent.support.DockerSocketProxy;
import io.stevedore.nodeagent.support.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker engine stops answering under a running agent and comes back: the agent is
 * pointed at a socket proxy in front of the real engine, which the test makes refuse
 * every connection, then hang (accept and never answer) (the machine's dockerd keeps
 * running for everyone else).
 */
@Timeout(180)
class DockerOutageIT {

	private static final String NODE = "it-docker-outage-node";

	@TempDir
	Path dir;

	@Test
	void theNodeTurnsNotReadyWhenTheEngineRefusesOrHangsAndRecoversOnItsOwn() throws Exception {
		try (DockerSocketProxy proxy = new DockerSocketProxy(this.dir.resolve("docker.sock"));
				TestCluster cluster = TestCluster.start(this.dir.resolve("data"));
				KubernetesClient client = cluster.client()) {
			ConfigurableApplicationContext agent = cluster.startNode(NODE,
					"--stevedore.node.docker-host=" + proxy.url(),
					"--stevedore.node.node-status-update-frequency=500ms", "--stevedore.node.docker-call-timeout=2s");
			GuardedContainerRuntime runtime = agent.getBean(GuardedContainerRuntime.class);
			awaitReady(client, "True");

			proxy.refuse();
			NodeCondition down = awaitReady(client, "False");
			assertThat(down.getReason()).isEqualTo("KubeletNotReady");
			assertThat(down.getMessage()).startsWith("container runtime is down: ");
			await(() -> runtime.state() == CircuitBreaker.State.OPEN, "breaker open");
			// Open for 5 s: relists every 500 ms, status every 500 ms and stats go on,
			// but
			// at most a probe reaches the engine (without the breaker: 3 tries each).
			int before = proxy.refused();
			Thread.sleep(2000);
			assertThat(proxy.refused() - before).as("connections while the breaker is open").isLessThanOrEqualTo(2);

			proxy.forward();
			NodeCondition back = awaitReady(client, "True");
			assertThat(back.getReason()).isEqualTo("KubeletReady");
			assertThat(runtime.state()).isEqualTo(CircuitBreaker.State.CLOSED);

			// A hung engine: without the call timeout the status loop and the sync
			// workers would wait on it for good and the node would stay Ready.
			proxy.hang();
			NodeCondition hung = awaitReady(client, "False");
			assertThat(hung.getReason()).isEqualTo("KubeletNotReady");
			// The calls that timed out opened the breaker; its words are what the node
			// shows.
			assertThat(hung.getMessage()).startsWith("container runtime is down: ");
			await(() -> runtime.state() == CircuitBreaker.State.OPEN, "breaker open on the hung engine");
			assertThat(proxy.held()).as("calls left waiting on the hung engine").isPositive();

			proxy.forward();
			NodeCondition answering = awaitReady(client, "True");
			assertThat(answering.getReason()).isEqualTo("KubeletReady");
			await(() -> runtime.state() == CircuitBreaker.State.CLOSED, "breaker closed");

			// Each move was told as the kubelet tells it: two outages, two returns (the
			// second of each counted on the first's event, as client-go's correlator
			// does).
			await(() -> told(client, "NodeReady") == 2, "NodeReady told twice");
			assertThat(told(client, "NodeNotReady")).isEqualTo(2);
		}
	}

	/**
	 * How many times the reason was recorded about the node: its events' counts summed.
	 */
	private static int told(KubernetesClient client, String reason) {
		return client.v1()
			.events()
			.inNamespace("default")
			.withField("involvedObject.name", NODE)
			.list()
			.getItems()
			.stream()
			.filter(e -> reason.equals(e.getReason()))
			.mapToInt(e -> e.getCount() == null ? 1 : e.getCount())
			.sum();
	}

	private static NodeCondition awaitReady(KubernetesClient client, String status) throws InterruptedException {
		NodeCondition[] found = new NodeCondition[1];
		await(() -> {
			Node node = client.nodes().withName(NODE).get();
			Optional<NodeCondition> ready = node == null || node.getStatus() == null ? Optional.empty()
					: node.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst();
			found[0] = ready.orElse(null);
			return ready.isPresent() && ready.get().getStatus().equals(status);
		}, "Ready=" + status);
		return found[0];
	}

	private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what).isLessThan(deadline);
			Thread.sleep(100);
		}
	}

}
