package io.stevedore.e2e.launcher;

import java.nio.file.Path;
import java.time.Duration;

import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kubectl top} through the gateway of {@code ./stevedore up --runtime simulated}:
 * the metrics.k8s.io API with TLS, authentication and RBAC in front of it, a simulated
 * pod reporting its annotated usage, and a user bound to {@code view} in one namespace
 * reading PodMetrics there but not NodeMetrics.
 */
class KubectlTopE2E {

	private static final Duration WAIT = Duration.ofMinutes(2);

	@TempDir
	static Path temp;

	static StevedoreCommand stevedore;

	static Kubectl kubectl;

	@BeforeAll
	static void up() {
		stevedore = StevedoreCommand.of(temp.resolve("state"), temp.resolve("home"), FreePorts.next());
		StevedoreCommand.Result up = stevedore.run("up", "--nodes", "1", "--runtime", "simulated");
		assertThat(up.exitCode()).as(up.toString()).isZero();
		kubectl = Kubectl.forKubeconfig(temp.resolve("home/.kube/config"), temp.resolve("home"))
			.withTimeout(WAIT.plusSeconds(30));
		ok("run", "busy", "--image=registry.invalid/busy:1", "--labels=app=busy",
				"--annotations=simulated.stevedore.io/cpu-usage=250m",
				"--annotations=simulated.stevedore.io/memory-usage=64Mi", "--command", "--", "sleep", "100000");
		ok("wait", "--for=condition=Ready", "pod/busy", "--timeout=" + WAIT.toSeconds() + "s");
		ok("create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane", "--namespace=default");
	}

	@AfterAll
	static void down() {
		if (stevedore != null) {
			StevedoreCommand.Result down = stevedore.run("down", "--purge");
			assertThat(down.exitCode()).as(down.toString()).isZero();
		}
	}

	@Test
	void kubectlTopPodAndNodeAnswerThroughTheGateway() {
		await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
			KubectlResult pod = kubectl.run("top", "pod", "-l", "app=busy", "--no-headers");
			assertThat(pod.exitCode()).as(pod.describe()).isZero();
			assertThat(pod.stdout().trim().split("\\s+")).containsExactly("busy", "250m", "64Mi");
		});
		KubectlResult node = kubectl.run("top", "node", "--no-headers");
		assertThat(node.exitCode()).as(node.describe()).isZero();
		assertThat(node.stdout()).startsWith(stevedore.nodeName(1) + " ");
	}

	@Test
	void aUserWithViewInTheNamespaceReadsPodMetricsButNotNodeMetrics() {
		await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
			KubectlResult pod = kubectl.run("top", "pod", "busy", "--as=jane", "--no-headers");
			assertThat(pod.exitCode()).as(pod.describe()).isZero();
			assertThat(pod.stdout()).startsWith("busy ");
		});
		KubectlResult node = kubectl.run("top", "node", "--as=jane");
		assertThat(node.exitCode()).isNotZero();
		assertThat(node.stderr()).contains("forbidden");
	}

	private static String ok(String... args) {
		KubectlResult result = kubectl.run(args);
		assertThat(result.exitCode()).as(result.describe()).isZero();
		return result.stdout().strip();
	}

}
