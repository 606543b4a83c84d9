package io.stevedore.nodeagent.streaming;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.support.ReachableNode;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlProcess;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl exec}, {@code attach} and {@code cp} with the real kubectl (WebSocket,
 * v5.channel.k8s.io), through the real apiserver's pods/exec and pods/attach tunnel, to
 * the agent's streaming endpoints, into containers on the real Docker engine.
 */
class KubectlExecIT {

	private static final String NODE = "exec-node";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	static Kubectl kubectl;

	@BeforeAll
	static void start() throws IOException {
		cluster = TestCluster.start(dir);
		ReachableNode.start(cluster, NODE);
		client = cluster.client();
		kubectl = ReachableNode.kubectl(cluster, dir);
		running(TestPods.shell("box", NODE, "trap 'exit 0' TERM; sleep 100000 & wait"));
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void execPrintsStdoutAndStderrAndExitsWithTheCommandsCode() {
		KubectlResult result = kubectl.run("exec", "box", "--", "sh", "-c", "echo to out; echo to err >&2; exit 3");
		assertThat(result.exitCode()).isEqualTo(3);
		assertThat(result.stdout()).isEqualTo("to out\n");
		assertThat(result.stderr()).contains("to err\n");
		assertThat(kubectl.run("exec", "box", "--", "true").requireSuccess().stdout()).isEmpty();
	}

	@Test
	void execPipesStdinToTheCommandUntilItsEnd() {
		KubectlResult result = kubectl.runWithInput("line one\nline two\n", "exec", "-i", "box", "--", "sh", "-c",
				"cat; echo done");
		assertThat(result.requireSuccess().stdout()).isEqualTo("line one\nline two\ndone\n");
	}

	@Test
	void execOfACommandThatDoesNotExistExitsWithTheEnginesCode() {
		// Docker reports a command it cannot start as exit code 126 or 127 of the exec.
		KubectlResult result = kubectl.run("exec", "box", "--", "/no/such/command");
		assertThat(result.exitCode()).isIn(126, 127);
		assertThat(result.stderr()).contains("command terminated with exit code " + result.exitCode());
	}

	@Test
	void execWithATerminalGetsATtyOfTheClientsSize() {
		// script(1) gives kubectl a terminal of a known size; kubectl -t sends it as
		// resize.
		KubectlResult result = kubectl.withBinary(Path.of("/usr/bin/script"))
			.run("-qec", "stty cols 123 rows 45; kubectl exec -it box -- sh -c 'tty; sleep 1; stty size'", "/dev/null");
		assertThat(result.exitCode()).as(result.describe()).isZero();
		assertThat(result.stdout()).contains("/dev/pts/").contains("45 123");
	}

	@Test
	void execIntoAContainerThePodDoesNotHaveIsRefused() {
		assertThat(kubectl.run("exec", "box", "-c", "nope", "--", "true").requireFailure().stderr())
			.contains("container nope is not valid for pod box");
		assertThat(kubectl.run("exec", "absent", "--", "true").requireFailure().stderr())
			.contains("pods \"absent\" not found");
	}

	@Test
	void execIntoAContainerThatDoesNotRunYetIsRefused() {
		client.pods()
			.resource(new PodBuilder(TestPods.shell("waiting", NODE, "true").build()).editSpec()
				.editFirstContainer()
				.withImage("stevedore-test/absent:1")
				.withImagePullPolicy("Never")
				.endContainer()
				.endSpec()
				.build())
			.create();
		TestPods.await(client, "waiting", p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null
				&& !p.getStatus().getContainerStatuses().isEmpty());
		assertThat(kubectl.run("exec", "waiting", "--", "true").requireFailure().stderr())
			.contains("container not found (\"main\")");
	}

	@Test
	void anUnreachableNodeIsAnInternalError() throws IOException {
		int closed = TestCluster.freePort();
		client.nodes()
			.resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
				.withName("ghost")
				.endMetadata()
				.build())
			.create();
		client.nodes()
			.withName("ghost")
			.editStatus(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n).editOrNewStatus()
				.addNewAddress("127.0.0.1", "InternalIP")
				.withNewDaemonEndpoints()
				.withNewKubeletEndpoint(closed)
				.endDaemonEndpoints()
				.endStatus()
				.build());
		client.pods().inNamespace("default").resource(TestPods.shell("stranded", "ghost", "true").build()).create();
		client.pods()
			.inNamespace("default")
			.withName("stranded")
			.editStatus(p -> new PodBuilder(p).editOrNewStatus()
				.withPhase("Running")
				.addNewContainerStatus()
				.withName("main")
				.withImage("stevedore-test/busybox:1")
				.withImageID("")
				.withReady(true)
				.withRestartCount(0)
				.withNewState()
				.withNewRunning()
				.endRunning()
				.endState()
				.endContainerStatus()
				.endStatus()
				.build());
		assertThat(kubectl.run("exec", "stranded", "--", "true").requireFailure().stderr())
			.contains("error dialing backend");
	}

	@Test
	void aPlainRequestWithoutUpgradeIsABadRequestStatus() throws Exception {
		java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
			.version(java.net.http.HttpClient.Version.HTTP_1_1)
			.build()
			.send(java.net.http.HttpRequest
				.newBuilder(java.net.URI
					.create(cluster.url() + "/api/v1/namespaces/default/pods/box/exec?command=true&stdout=true"))
				.POST(java.net.http.HttpRequest.BodyPublishers.noBody())
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("\"kind\":\"Status\"").contains("Upgrade request required");
	}

	@Test
	void cpCopiesAFileIntoThePodAndBack() throws IOException {
		Path local = dir.resolve("upload.txt");
		StringBuilder content = new StringBuilder();
		for (int i = 0; i < 20000; i++) {
			content.append("line ").append(i).append('\n');
		}
		Files.writeString(local, content);
		kubectl.run("cp", local.toString(), "box:/tmp/upload.txt").requireSuccess();
		assertThat(kubectl.run("exec", "box", "--", "wc", "-c", "/tmp/upload.txt").requireSuccess().stdout())
			.contains(Long.toString(Files.size(local)));
		Path back = dir.resolve("download.txt");
		kubectl.run("cp", "box:/tmp/upload.txt", back.toString()).requireSuccess();
		assertThat(Files.readString(back)).isEqualTo(content.toString());
	}

	@Test
	void attachStreamsTheMainProcesssOutput() {
		running(TestPods.shell("ticker", NODE, "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done"));
		try (KubectlProcess attach = kubectl.start("attach", "ticker")) {
			String seen = attach.awaitStdout(out -> out.lines().filter(l -> l.startsWith("tick")).count() >= 3,
					Duration.ofSeconds(20));
			assertThat(seen).contains("tick");
		}
	}

	private static void running(PodBuilder pod) {
		String name = pod.buildMetadata().getName();
		client.pods().resource(pod.build()).create();
		TestPods.await(client, name, p -> "Running".equals(p.getStatus().getPhase())
				&& p.getStatus().getContainerStatuses().stream().allMatch(c -> c.getState().getRunning() != null));
	}

}
