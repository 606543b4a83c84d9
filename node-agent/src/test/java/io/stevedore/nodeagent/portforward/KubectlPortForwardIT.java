package io.stevedore.nodeagent.portforward;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.kubectl.Kubeconfig;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl port-forward} with the real kubectl (WebSocket carrying SPDY/3.1,
 * {@code SPDY/3.1+portforward.k8s.io}), through the real apiserver's pods/portforward
 * tunnel, to the agent's /portForward endpoint, into a busybox httpd on the real Docker
 * engine.
 */
class KubectlPortForwardIT {

	private static final String NODE = "pf-node";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	static Kubectl kubectl;

	@BeforeAll
	static void start() throws IOException {
		cluster = TestCluster.start(dir);
		int port = freePort();
		cluster.startNode(NODE, "--server.port=" + port, "--stevedore.node.port=" + port,
				"--logging.level.io.stevedore.nodeagent.portforward=debug",
				"--logging.level.io.stevedore.apiserver.streaming=debug");
		client = cluster.client();
		kubectl = Kubectl.forKubeconfig(Kubeconfig.write(dir.resolve("kubeconfig"), cluster.url()),
				dir.resolve("home"));
		running(TestPods.shell("web", NODE,
				"mkdir -p /www; echo hello from the pod > /www/index.html; exec httpd -f -p 8080 -h /www"));
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void httpThroughPortForwardReachesThePodOnSeveralConnectionsInParallel() throws Exception {
		int local = freePort();
		try (KubectlProcess forward = kubectl.withEnvironment("DEBUG", "1")
			.start("port-forward", "-v=8", "pod/web", local + ":8080")) {
			forward.awaitStdout(out -> out.contains("Forwarding from"), Duration.ofSeconds(30));
			HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				// A fresh connection each: "Connection: close" is not settable, so
				// separate
				// clients.
				HttpClient each = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
				responses
					.add(each.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local + "/index.html"))
						.timeout(Duration.ofSeconds(20))
						.build(), HttpResponse.BodyHandlers.ofString()));
			}
			for (CompletableFuture<HttpResponse<String>> response : responses) {
				HttpResponse<String> got;
				try {
					got = response.get();
				}
				catch (java.util.concurrent.ExecutionException ex) {
					throw new AssertionError("kubectl: " + forward.stderrSoFar() + forward.stdoutSoFar(), ex);
				}
				assertThat(got.statusCode()).isEqualTo(200);
				assertThat(got.body()).isEqualTo("hello from the pod\n");
			}
			HttpResponse<String> again = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local + "/index.html")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(again.body()).isEqualTo("hello from the pod\n");
		}
	}

	@Test
	void aPortNobodyListensOnIsAnErrorKubectlReports() throws Exception {
		int local = freePort();
		try (KubectlProcess forward = kubectl.start("port-forward", "pod/web", local + ":8181")) {
			forward.awaitStdout(out -> out.contains("Forwarding from"), Duration.ofSeconds(30));
			try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), local)) {
				socket.setSoTimeout(20_000);
				socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
				// The pod side never answers: kubectl ends the connection without bytes
				// (a
				// reset when it closes before reading what was sent).
				try {
					assertThat(socket.getInputStream().read()).isEqualTo(-1);
				}
				catch (java.net.SocketException ex) {
					// reset: ended too
				}
			}
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (!forward.stderrSoFar().contains("error forwarding port 8181") && System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			assertThat(forward.stderrSoFar()).contains("error forwarding port 8181 to pod web")
				.contains("connection refused");
		}
	}

	private static void running(PodBuilder pod) {
		String name = pod.buildMetadata().getName();
		client.pods().resource(pod.build()).create();
		TestPods.await(client, name, p -> "Running".equals(p.getStatus().getPhase())
				&& p.getStatus().getContainerStatuses().stream().allMatch(c -> c.getState().getRunning() != null));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			return socket.getLocalPort();
		}
	}

}
