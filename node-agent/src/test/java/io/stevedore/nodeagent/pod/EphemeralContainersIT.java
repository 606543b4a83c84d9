package io.stevedore.nodeagent.pod;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import io.stevedore.nodeagent.support.ReachableNode;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.TestImages;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ephemeral containers against the real apiserver's pods/ephemeralcontainers and the real
 * Docker engine: added to a running pod they run in its sandbox, in the target's PID
 * namespace, once; kubectl debug, logs, exec and attach work with them.
 */
class EphemeralContainersIT {

	private static final String NODE = "eph-node";

	/** The target's process, recognizable in a debugger's ps. */
	private static final String TARGET_SCRIPT = "trap 'exit 0' TERM; sleep 424242 & wait";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	static Kubectl kubectl;

	@BeforeAll
	static void start() {
		cluster = TestCluster.start(dir);
		// Reachable: kubectl logs goes through the apiserver to the agent.
		ReachableNode.start(cluster, NODE);
		client = cluster.client();
		kubectl = ReachableNode.kubectl(cluster, dir);
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aDebuggerAddedThroughTheSubresourceSeesTheTargetsProcessesRunsOnceAndGoesWithThePod() {
		Pod pod = TestPods.running(client, TestPods.shell("target", NODE, TARGET_SCRIPT));
		String uid = pod.getMetadata().getUid();
		client.pods()
			.inNamespace("default")
			.withName("target")
			.ephemeralContainers()
			.edit(p -> new PodBuilder(p).editSpec()
				.addNewEphemeralContainer()
				.withName("dbg")
				.withImage(TestImages.BUSYBOX)
				.withTargetContainerName("main")
				.withCommand("sh", "-c", "ps; echo from $(WHO); exit 3")
				.addNewEnv()
				.withName("WHO")
				.withValue("the debugger")
				.endEnv()
				.endEphemeralContainer()
				.endSpec()
				.build());

		Pod done = TestPods.await(client, "target", p -> terminated(p, "dbg"));
		ContainerStatus dbg = ephemeral(done, "dbg");
		assertThat(dbg.getState().getTerminated().getExitCode()).isEqualTo(3);
		assertThat(dbg.getState().getTerminated().getReason()).isEqualTo("Error");
		assertThat(dbg.getRestartCount()).isZero();
		assertThat(dbg.getReady()).isFalse();
		assertThat(dbg.getImage()).isEqualTo(TestImages.BUSYBOX);
		assertThat(dbg.getContainerID()).startsWith("docker://");
		assertThat(done.getStatus().getPhase()).isEqualTo("Running");
		assertThat(TestPods.ready(done)).isTrue();
		assertThat(done.getStatus().getContainerStatuses()).extracting(ContainerStatus::getName)
			.containsExactly("main");
		assertThat(done.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();

		String log = client.pods().inNamespace("default").withName("target").inContainer("dbg").getLog();
		assertThat(log).contains("sleep 424242").contains("from the debugger");

		// Several relists and syncs later there is still the one instance, exited.
		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Docker
				.run("ps", "-aq", "--filter", "label=" + RuntimeLabels.POD_UID + "=" + uid, "--filter",
						"label=" + RuntimeLabels.CONTAINER_NAME + "=dbg")
				.lines()).hasSize(1));
		assertThat(ephemeral(client.pods().inNamespace("default").withName("target").get(), "dbg").getRestartCount())
			.isZero();
		assertThat(TestPods.events(client, done)).anySatisfy(e -> {
			assertThat(e.getReason()).isEqualTo("Started");
			assertThat(e.getInvolvedObject().getFieldPath()).isEqualTo("spec.ephemeralContainers{dbg}");
		});

		client.pods().inNamespace("default").withName("target").delete();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(client.pods().inNamespace("default").withName("target").get()).isNull());
		assertThat(Docker.containerIds(RuntimeLabels.POD_UID, uid)).isEmpty();
	}

	@Test
	void aRunningDebuggerIsStoppedWithThePod() {
		Pod pod = TestPods.running(client, TestPods.shell("lingering", NODE, TARGET_SCRIPT));
		client.pods()
			.inNamespace("default")
			.withName("lingering")
			.ephemeralContainers()
			.edit(p -> new PodBuilder(p).editSpec()
				.addNewEphemeralContainer()
				.withName("shell")
				.withImage(TestImages.BUSYBOX)
				.withCommand("sh", "-c", TARGET_SCRIPT)
				.endEphemeralContainer()
				.endSpec()
				.build());
		TestPods.await(client, "lingering", p -> running(p, "shell"));
		assertThat(kubectl.run("exec", "lingering", "-c", "shell", "--", "echo", "inside").requireSuccess().stdout())
			.isEqualTo("inside\n");

		client.pods().inNamespace("default").withName("lingering").delete();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(client.pods().inNamespace("default").withName("lingering").get()).isNull());
		assertThat(Docker.containerIds(RuntimeLabels.POD_UID, pod.getMetadata().getUid())).isEmpty();
	}

	@Test
	void kubectlDebugWithATargetShowsItsProcessesInTheDebuggersLog() {
		TestPods.running(client, TestPods.shell("debugged", NODE, TARGET_SCRIPT));
		kubectl
			.run("debug", "debugged", "--image=" + TestImages.BUSYBOX, "--target=main", "-c", "dbg", "--", "sh", "-c",
					"ps; echo debugged")
			.requireSuccess();
		TestPods.await(client, "debugged", p -> terminated(p, "dbg"));
		assertThat(kubectl.run("logs", "debugged", "-c", "dbg").requireSuccess().stdout()).contains("sleep 424242")
			.contains("debugged");
	}

	@Test
	void kubectlDebugInteractiveAttachesToTheDebuggersShell() {
		TestPods.running(client, TestPods.shell("interactive", NODE, TARGET_SCRIPT));
		// Piped input that ends at once: kubectl debug -i sets no stdinOnce, so the
		// debugger's stdin stays open, and its output still comes until it exits.
		KubectlResult result = kubectl.withBinary(Path.of("/bin/sh"))
			.run("-c", "(echo ps; echo 'echo bye'; echo 'exit 4') | kubectl debug interactive -i --image="
					+ TestImages.BUSYBOX + " --target=main -c shell -- sh");
		assertThat(result.stdout()).as(result.describe()).contains("sleep 424242").contains("bye");
		Pod pod = TestPods.await(client, "interactive", p -> terminated(p, "shell"));
		assertThat(ephemeral(pod, "shell").getState().getTerminated().getExitCode()).isEqualTo(4);
	}

	@Test
	void withStdinOnceTheEndOfTheAttachedStdinEndsItsInputAndItsOutputStillComes() {
		TestPods.running(client, TestPods.shell("reader", NODE, TARGET_SCRIPT));
		client.pods()
			.inNamespace("default")
			.withName("reader")
			.ephemeralContainers()
			.edit(p -> new PodBuilder(p).editSpec()
				.addNewEphemeralContainer()
				.withName("cat")
				.withImage(TestImages.BUSYBOX)
				.withCommand("sh", "-c", "cat; echo end of input")
				.withStdin(true)
				.withStdinOnce(true)
				.endEphemeralContainer()
				.endSpec()
				.build());
		TestPods.await(client, "reader", p -> running(p, "cat"));
		KubectlResult result = kubectl.runWithInput("typed\n", "attach", "reader", "-c", "cat", "-i");
		assertThat(result.stdout()).as(result.describe()).contains("typed\nend of input\n");
		Pod pod = TestPods.await(client, "reader", p -> terminated(p, "cat"));
		assertThat(ephemeral(pod, "cat").getState().getTerminated().getExitCode()).isZero();
	}

	private static boolean terminated(Pod pod, String name) {
		ContainerStatus status = ephemeralOrNull(pod, name);
		return status != null && status.getState().getTerminated() != null;
	}

	private static boolean running(Pod pod, String name) {
		ContainerStatus status = ephemeralOrNull(pod, name);
		return status != null && status.getState().getRunning() != null;
	}

	private static ContainerStatus ephemeral(Pod pod, String name) {
		ContainerStatus status = ephemeralOrNull(pod, name);
		assertThat(status).as("ephemeral container status of " + name).isNotNull();
		return status;
	}

	private static ContainerStatus ephemeralOrNull(Pod pod, String name) {
		List<ContainerStatus> statuses = pod.getStatus().getEphemeralContainerStatuses();
		return statuses == null ? null
				: statuses.stream().filter(s -> name.equals(s.getName())).findFirst().orElse(null);
	}

}
