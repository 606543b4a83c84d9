package io.stevedore.nodeagent.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.support.ReachableNode;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.http.HttpHead;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlProcess;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl exec}, {@code attach}, {@code cp} and {@code port-forward} with the real
 * kubectl forced to plain SPDY/3.1 ({@code KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false},
 * {@code KUBECTL_PORT_FORWARD_WEBSOCKETS=false}: what it falls back to when a WebSocket
 * is refused, and all that client-go programs and older kubectl speak), through the real
 * apiserver's tunnel to the agent's SPDY upgrade, into containers on the real Docker
 * engine; and the handshake's refusals, asked of the agent and of the apiserver.
 */
class KubectlSpdyStreamsIT {

	private static final String NODE = "spdy-node";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	static Kubectl kubectl;

	static int agentPort;

	@BeforeAll
	static void start() throws IOException {
		cluster = TestCluster.start(dir);
		agentPort = ReachableNode.start(cluster, NODE);
		client = cluster.client();
		kubectl = ReachableNode.kubectl(cluster, dir)
			.withEnvironment("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false")
			.withEnvironment("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false");
		TestPods.running(client, TestPods.shell("spdy-box", NODE, "trap 'exit 0' TERM; sleep 100000 & wait"));
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void execOverSpdyPrintsAllOutputAndExitsWithTheCommandsCode() {
		KubectlResult result = kubectl.run("exec", "-v=7", "spdy-box", "--", "sh", "-c",
				"seq 1 20000; echo to err >&2; exit 7");
		assertThat(result.exitCode()).as(result.describe()).isEqualTo(7);
		assertThat(result.stdout().lines().count()).isEqualTo(20000);
		assertThat(result.stdout()).endsWith("\n20000\n");
		assertThat(result.stderr()).contains("to err\n").contains("command terminated with exit code 7");
		// kubectl's own log: the upgrade was SPDY (a POST offering the versions in
		// X-Stream-Protocol-Version), not a WebSocket (a GET with
		// Sec-WebSocket-Protocol).
		assertThat(result.stderr()).contains("POST http://")
			.contains("X-Stream-Protocol-Version: v4.channel.k8s.io")
			.contains("Response Status: 101")
			.doesNotContainIgnoringCase("Sec-WebSocket");
		assertThat(kubectl.run("exec", "spdy-box", "--", "true").requireSuccess().stdout()).isEmpty();
	}

	@Test
	void execOverSpdyPipesStdinUntilItsEnd() {
		KubectlResult result = kubectl.runWithInput("line one\nline two\n", "exec", "-i", "spdy-box", "--", "sh", "-c",
				"cat; echo done");
		assertThat(result.requireSuccess().stdout()).isEqualTo("line one\nline two\ndone\n");
	}

	@Test
	void execOverSpdyWithATerminalGetsATtyOfTheClientsSize() {
		KubectlResult result = kubectl.withBinary(Path.of("/usr/bin/script"))
			.run("-qec", "stty cols 123 rows 45; kubectl exec -it spdy-box -- sh -c 'tty; sleep 1; stty size'",
					"/dev/null");
		assertThat(result.exitCode()).as(result.describe()).isZero();
		assertThat(result.stdout()).contains("/dev/pts/").contains("45 123");
	}

	@Test
	void cpOverSpdyCopiesAFileIntoThePodAndBack() throws IOException {
		Path local = dir.resolve("upload.txt");
		StringBuilder content = new StringBuilder();
		for (int i = 0; i < 20000; i++) {
			content.append("line ").append(i).append('\n');
		}
		Files.writeString(local, content);
		kubectl.run("cp", local.toString(), "spdy-box:/tmp/upload.txt").requireSuccess();
		Path back = dir.resolve("download.txt");
		kubectl.run("cp", "spdy-box:/tmp/upload.txt", back.toString()).requireSuccess();
		assertThat(Files.readString(back)).isEqualTo(content.toString());
	}

	@Test
	void attachOverSpdyStreamsTheMainProcesssOutput() {
		TestPods.running(client,
				TestPods.shell("spdy-ticker", NODE, "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done"));
		try (KubectlProcess attach = kubectl.start("attach", "spdy-ticker")) {
			String seen = attach.awaitStdout(out -> out.lines().filter(l -> l.startsWith("tick")).count() >= 3,
					Duration.ofSeconds(20));
			assertThat(seen).contains("tick");
		}
	}

	@Test
	void portForwardOverSpdyCarriesBodiesLargerThanTheSpdyWindowUntilThePodIsDeleted() throws Exception {
		TestPods.running(client, TestPods.shell("spdy-web", NODE,
				"mkdir -p /www; yes 0123456789abcdef | head -c 1048576 > /www/big.txt; exec httpd -f -p 80 -h /www"));
		int local = TestCluster.freePort();
		try (KubectlProcess forward = kubectl.start("port-forward", "pod/spdy-web", local + ":80")) {
			forward.awaitStdout(out -> out.contains("Forwarding from"), Duration.ofSeconds(30));
			for (int i = 0; i < 3; i++) {
				assertThat(get(local, "/big.txt")).as(forward.stderrSoFar())
					.hasSize(1048576)
					.startsWith("0123456789abcdef\n");
			}
			assertThat(forward.isAlive()).as(forward.stderrSoFar()).isTrue();
			assertThat(forward.stderrSoFar()).doesNotContain("lost connection");
			client.pods().inNamespace("default").withName("spdy-web").delete();
			Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !forward.isAlive());
			assertThat(forward.stop().exitCode()).isNotZero();
			assertThat(forward.stderrSoFar()).contains("lost connection to pod");
		}
	}

	@Test
	void theAgentRefusesAnUnknownProtocolVersionWith403AndAMissingOneWith400() throws IOException {
		String path = "/exec/default/spdy-box/main?command=true&stdout=1";
		Answer unknown = upgrade("127.0.0.1", agentPort, path, "v9.channel.k8s.io");
		assertThat(unknown.status()).isEqualTo(403);
		assertThat(unknown.head()).contains("X-Accepted-Stream-Protocol-Versions: v4.channel.k8s.io");
		assertThat(unknown.body()).contains("unable to upgrade: unable to negotiate protocol: client supports "
				+ "[v9.channel.k8s.io], server accepts [v4.channel.k8s.io v3.channel.k8s.io");
		Answer missing = upgrade("127.0.0.1", agentPort, path, null);
		assertThat(missing.status()).isEqualTo(400);
		assertThat(missing.body()).contains("X-Stream-Protocol-Version is required");
		Answer portForward = upgrade("127.0.0.1", agentPort, "/portForward/default/spdy-box", "v4.channel.k8s.io");
		assertThat(portForward.status()).isEqualTo(403);
		assertThat(portForward.head()).contains("X-Accepted-Stream-Protocol-Versions: portforward.k8s.io");
		Answer noPod = upgrade("127.0.0.1", agentPort, "/portForward/default/nosuch", "portforward.k8s.io");
		assertThat(noPod.status()).isEqualTo(404);
	}

	@Test
	void theApiserverPassesTheAgentsRefusalOnAsAStatus() throws IOException {
		URI url = URI.create(cluster.url());
		Answer answer = upgrade(url.getHost(), url.getPort(),
				"/api/v1/namespaces/default/pods/spdy-box/exec?command=true&stdout=true", "v9.channel.k8s.io");
		assertThat(answer.status()).isEqualTo(403);
		assertThat(answer.body()).contains("\"kind\":\"Status\"")
			.contains("unable to upgrade connection: unable to upgrade: unable to negotiate protocol");
	}

	/** A SPDY upgrade request on a fresh connection; the answer's head and body. */
	private static Answer upgrade(String host, int port, String path, String version) throws IOException {
		try (Socket socket = new Socket(host, port)) {
			socket.setSoTimeout(20_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
					+ "\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
					+ (version == null ? "" : "X-Stream-Protocol-Version: " + version + "\r\n") + "\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			HttpHead head = HttpHead.read(in);
			return new Answer(head.status(), head.text(), head.body(in));
		}
	}

	private record Answer(int status, String head, String body) {
	}

	/** One HTTP/1.0 request on a fresh connection, the body after the head. */
	private static String get(int port, String path) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(20_000);
			socket.getOutputStream()
				.write(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			assertThat(text).startsWith("HTTP/1.");
			return text.substring(text.indexOf("\r\n\r\n") + 4);
		}
	}

}
