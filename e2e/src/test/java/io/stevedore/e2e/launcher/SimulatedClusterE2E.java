package io.stevedore.e2e.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ./stevedore up --nodes 3 --runtime simulated}: the whole control plane and three
 * real node agents on the simulated runtime. A Deployment spreads over the nodes and
 * rolls, {@code kubectl top} reads the simulated pods' usage, a stopped node's pods come
 * back on the others, a second {@code up} names the runtime that differs — and the Docker
 * engine never gets a container of this cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Its own cluster: may run beside the other classes (junit-platform.properties, off).
@Execution(ExecutionMode.CONCURRENT)
class SimulatedClusterE2E {

	private static final Duration WAIT = Duration.ofMinutes(3);

	/**
	 * Each poll is one kubectl process (a fraction of a second even on a loaded machine):
	 * a 2 s interval, which Awaitility also waited before the first poll, added seconds
	 * to every wait for nothing.
	 */
	private static final Duration POLL = Duration.ofMillis(500);

	@TempDir
	static Path temp;

	static StevedoreCommand stevedore;

	static Kubectl kubectl;

	@BeforeAll
	static void up() {
		stevedore = StevedoreCommand.of(temp.resolve("state"), temp.resolve("home"), FreePorts.next());
		StevedoreCommand.Result up = stevedore.run("up", "--nodes", "3", "--runtime", "simulated");
		assertThat(up.exitCode()).as(up.toString()).isZero();
		assertThat(up.stdout()).contains("runtime:    simulated");
		kubectl = Kubectl.forKubeconfig(temp.resolve("home/.kube/config"), temp.resolve("home"))
			.withTimeout(WAIT.plusSeconds(30));
	}

	@AfterAll
	static void down() {
		if (stevedore != null) {
			StevedoreCommand.Result down = stevedore.run("down", "--purge");
			assertThat(down.exitCode()).as(down.toString()).isZero();
		}
	}

	@Test
	@Order(1)
	void theNodesAreReadyOnTheSimulatedRuntime() {
		String runtimes = ok("get", "nodes", "-o", "jsonpath={.items[*].status.nodeInfo.containerRuntimeVersion}");

		assertThat(runtimes.split(" ")).hasSize(3).containsOnly("simulated://1.0.0");
	}

	/**
	 * {@code kubectl top} through the gateway: the metrics.k8s.io API with TLS,
	 * authentication and RBAC in front of it, a simulated pod reporting its annotated
	 * usage.
	 */
	@Test
	@Order(2)
	void kubectlTopPodAndNodeAnswerThroughTheGateway() {
		ok("run", "busy", "--image=registry.invalid/busy:1", "--labels=app=busy",
				"--annotations=simulated.stevedore.io/cpu-usage=250m",
				"--annotations=simulated.stevedore.io/memory-usage=64Mi", "--command", "--", "sleep", "100000");
		ok("wait", "--for=condition=Ready", "pod/busy", "--timeout=" + WAIT.toSeconds() + "s");

		await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(POLL).untilAsserted(() -> {
			KubectlResult pod = kubectl.run("top", "pod", "-l", "app=busy", "--no-headers");
			assertThat(pod.exitCode()).as(pod.describe()).isZero();
			assertThat(pod.stdout().trim().split("\\s+")).containsExactly("busy", "250m", "64Mi");
		});
		KubectlResult node = kubectl.run("top", "node", "--no-headers");
		assertThat(node.exitCode()).as(node.describe()).isZero();
		assertThat(node.stdout()).startsWith(stevedore.nodeName(1) + " ");
	}

	/**
	 * A user bound to {@code view} in one namespace reads PodMetrics there, not
	 * NodeMetrics.
	 */
	@Test
	@Order(3)
	void aUserWithViewInTheNamespaceReadsPodMetricsButNotNodeMetrics() {
		ok("create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane", "--namespace=default");

		await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(POLL).untilAsserted(() -> {
			KubectlResult pod = kubectl.run("top", "pod", "busy", "--as=jane", "--no-headers");
			assertThat(pod.exitCode()).as(pod.describe()).isZero();
			assertThat(pod.stdout()).startsWith("busy ");
		});
		KubectlResult node = kubectl.run("top", "node", "--as=jane");
		assertThat(node.exitCode()).isNotZero();
		assertThat(node.stderr()).contains("forbidden");
	}

	@Test
	@Order(4)
	void aDeploymentOfThirtyRunsSpreadOverTheNodesAndRollsToANewImage() {
		ok("create", "deployment", "web", "--image=registry.invalid/web:1", "--replicas=30", "--port=80");
		ok("rollout", "status", "deployment/web", "--timeout=" + WAIT.toSeconds() + "s");

		Map<String, Long> perNode = podsPerNode();
		assertThat(perNode).hasSize(3);
		assertThat(perNode.values()).allSatisfy((count) -> assertThat(count).isBetween(5L, 15L));
		assertThat(ok("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.podIP}").split(" ")).hasSize(30)
			.doesNotHaveDuplicates()
			.allSatisfy((ip) -> assertThat(ip).startsWith("100."));

		ok("set", "image", "deployment/web", "web=registry.invalid/web:2");
		ok("rollout", "status", "deployment/web", "--timeout=" + WAIT.toSeconds() + "s");
		assertThat(ok("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].image}"))
			.doesNotContain("web:1");
		for (int node = 1; node <= 3; node++) {
			assertThat(Docker.run("ps", "-aq", "--filter", "label=io.stevedore.node=" + stevedore.nodeName(node)))
				.as("Docker containers of simulated node %d", node)
				.isEmpty();
		}
	}

	@Test
	@Order(5)
	void aStoppedNodesPodsAreReplacedOnTheOthers() {
		StevedoreCommand.Result stop = stevedore.run("node", "stop", stevedore.nodeName(3));
		assertThat(stop.exitCode()).as(stop.toString()).isZero();

		await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(POLL).untilAsserted(() -> {
			KubectlResult pods = kubectl.run("get", "pods", "-l", "app=web", "-o",
					"jsonpath={range .items[*]}{.spec.nodeName} {.status.phase} {.metadata.deletionTimestamp}"
							+ "{\"\\n\"}{end}");
			assertThat(pods.exitCode()).as(pods.describe()).isZero();
			// Pods of the dead node stay Terminating until it comes back or is removed,
			// as
			// in Kubernetes; the replacements are the live, Running ones.
			Map<String, Long> live = pods.stdout()
				.lines()
				.map(String::strip)
				.filter((line) -> line.endsWith(" Running"))
				.map((line) -> line.substring(0, line.indexOf(' ')))
				.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
			assertThat(live).doesNotContainKey(stevedore.nodeName(3))
				.containsOnlyKeys(stevedore.nodeName(1), stevedore.nodeName(2));
			assertThat(live.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(30);
		});
	}

	@Test
	@Order(6)
	void aStoppedNodeStartsAgainAndARemovedNodeIsGoneWithItsPods() {
		String machine = stevedore.nodeName(3);
		StevedoreCommand.Result start = stevedore.run("node", "start", machine);
		assertThat(start.exitCode()).as(start.toString()).isZero();
		assertThat(start.stdout()).contains("node " + machine + " is Ready.");
		assertThat(ok("get", "node", machine, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"))
			.isEqualTo("True");
		StevedoreCommand.Result again = stevedore.run("node", "start", machine);
		assertThat(again.exitCode()).as(again.toString()).isZero();
		assertThat(again.stdout()).contains("node " + machine + " already runs");

		StevedoreCommand.Result rm = stevedore.run("node", "rm", machine);
		assertThat(rm.exitCode()).as(rm.toString()).isZero();
		assertThat(rm.stdout()).contains("removed node " + machine + ".");
		KubectlResult gone = kubectl.run("get", "node", machine);
		assertThat(gone.exitCode()).as(gone.describe()).isNotZero();
		assertThat(gone.stderr()).contains("NotFound");
		await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(POLL).untilAsserted(() -> {
			assertThat(ok("get", "pods", "-A", "--field-selector", "spec.nodeName=" + machine, "-o", "name")).isEmpty();
			Map<String, Long> perNode = podsPerNode();
			assertThat(perNode).containsOnlyKeys(stevedore.nodeName(1), stevedore.nodeName(2));
			assertThat(perNode.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(30);
		});
	}

	@Test
	@Order(7)
	void aSecondUpWithTheDockerRuntimeSaysWhatDiffers() {
		StevedoreCommand.Result again = stevedore.run("up", "--runtime", "docker");

		assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
		assertThat(again.stderr()).contains("its nodes use --runtime simulated, not docker");
	}

	private static Map<String, Long> podsPerNode() {
		return Arrays.stream(ok("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.nodeName}").split(" "))
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

	private static String ok(String... args) {
		KubectlResult result = kubectl.run(args);
		assertThat(result.exitCode()).as(result.describe()).isZero();
		return result.stdout().strip();
	}

}
