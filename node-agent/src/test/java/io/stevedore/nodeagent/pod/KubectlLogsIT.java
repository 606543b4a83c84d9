package io.stevedore.nodeagent.pod;

import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.support.ReachableNode;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.docker.TestImages;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl logs} with the real kubectl, through the apiserver's pods/log, to the
 * agent's /containerLogs, from the real Docker engine.
 */
class KubectlLogsIT {

	private static final String NODE = "logs-node";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	static Kubectl kubectl;

	@BeforeAll
	static void start() {
		cluster = TestCluster.start(dir);
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
	void logsAndTail() {
		running(TestPods.shell("counter", NODE,
				"for i in 1 2 3 4 5; do echo line $i; done; trap 'exit 0' TERM; sleep 100000 & wait"));
		assertThat(kubectl.run("logs", "counter").requireSuccess().stdout())
			.isEqualTo("line 1\nline 2\nline 3\nline 4\nline 5\n");
		assertThat(kubectl.run("logs", "counter", "--tail=2").requireSuccess().stdout()).isEqualTo("line 4\nline 5\n");
		assertThat(kubectl.run("logs", "counter", "--timestamps", "--tail=1").requireSuccess().stdout())
			.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z line 5\n");
	}

	@Test
	void containerByName() {
		running(new PodBuilder(TestPods.shell("pair", NODE, "echo from main; sleep 100000").build()).editSpec()
			.addNewContainer()
			.withName("side")
			.withImage(TestImages.BUSYBOX)
			.withCommand("sh", "-c", "echo from side; sleep 100000")
			.endContainer()
			.endSpec());
		assertThat(kubectl.run("logs", "pair", "-c", "side").requireSuccess().stdout()).isEqualTo("from side\n");
		assertThat(kubectl.run("logs", "pair", "-c", "main").requireSuccess().stdout()).isEqualTo("from main\n");
		assertThat(kubectl.run("logs", "pair", "-c", "nope").requireFailure().stderr())
			.contains("container nope is not valid for pod pair");
	}

	@Test
	void followStreamsNewLinesUntilStopped() {
		running(TestPods.shell("ticker", NODE, "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done"));
		try (KubectlProcess follow = kubectl.start("logs", "-f", "ticker")) {
			String seen = follow.awaitStdout(out -> out.contains("tick 8\n"), Duration.ofSeconds(20));
			assertThat(seen).startsWith("tick 1\ntick 2\n");
			assertThat(follow.isAlive()).as("a follow does not end by itself").isTrue();
		}
	}

	@Test
	void previousShowsTheInstanceBeforeARestart() {
		running(new PodBuilder(TestPods
			.shell("restarts", NODE,
					"n=$(cat /data/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /data/n; echo run $n; "
							+ "if [ $n -ge 2 ]; then sleep 100000; fi; exit 1")
			.build()).editSpec()
			.addNewVolume()
			.withName("data")
			.withNewEmptyDir()
			.endEmptyDir()
			.endVolume()
			.editFirstContainer()
			.addNewVolumeMount()
			.withName("data")
			.withMountPath("/data")
			.endVolumeMount()
			.endContainer()
			.endSpec(), 1);
		assertThat(kubectl.run("logs", "restarts", "--previous").requireSuccess().stdout()).isEqualTo("run 1\n");
		assertThat(kubectl.run("logs", "restarts").requireSuccess().stdout()).isEqualTo("run 2\n");
		assertThat(kubectl.run("logs", "counter-none", "--previous").requireFailure().stderr()).contains("NotFound");
	}

	private static void running(PodBuilder pod) {
		running(pod, 0);
	}

	private static void running(PodBuilder pod, int restarts) {
		String name = pod.buildMetadata().getName();
		client.pods().resource(pod.build()).create();
		TestPods.await(client, name,
				p -> "Running".equals(p.getStatus().getPhase()) && p.getStatus()
					.getContainerStatuses()
					.stream()
					.allMatch(c -> c.getState().getRunning() != null && c.getRestartCount() >= restarts));
	}

}
