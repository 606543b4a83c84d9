package io.stevedore.nodeagent.portforward;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.support.ReachableNode;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlProcess;
import org.awaitility.Awaitility;
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

	/** The page every small request fetches. */
	private static final String PAGE = "hello from the pod\n";

	/**
	 * A body larger than SPDY's initial 64 KiB window, known here without asking the pod.
	 */
	private static final int BIG = 1024 * 1024;

	private static final String HTTPD = "mkdir -p /www; echo hello from the pod > /www/index.html; "
			+ "yes 0123456789abcdef | head -c " + BIG + " > /www/big.txt; exec httpd -f -p 80 -h /www";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	static Kubectl kubectl;

	@BeforeAll
	static void start() throws IOException {
		cluster = TestCluster.start(dir);
		ReachableNode.start(cluster, NODE, "--logging.level.io.stevedore.nodeagent.portforward=debug");
		client = cluster.client();
		kubectl = ReachableNode.kubectl(cluster, dir);
		running(TestPods.shell("web", NODE, HTTPD));
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void parallelAndSequentialConnectionsReachThePodForHalfAMinuteWithAQuietSpellBetween() throws Exception {
		int local = TestCluster.freePort();
		try (KubectlProcess forward = kubectl.start("port-forward", "-v=6", "pod/web", local + ":80")) {
			forward.awaitStdout(out -> out.contains("Forwarding from"), Duration.ofSeconds(30));
			long start = System.nanoTime();
			int requests = 0;
			try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
				boolean rested = false;
				while (System.nanoTime() - start < Duration.ofSeconds(32).toNanos()) {
					List<Future<String>> wave = new ArrayList<>();
					for (int i = 0; i < 6; i++) {
						wave.add(pool.submit(() -> get(local, "/index.html")));
					}
					for (Future<String> page : wave) {
						assertThat(page.get()).as(forward.stderrSoFar()).isEqualTo(PAGE);
					}
					String big = get(local, "/big.txt");
					assertThat(big).hasSize(BIG).startsWith("0123456789abcdef\n0123");
					requests += wave.size() + 1;
					if (!rested && System.nanoTime() - start > Duration.ofSeconds(5).toNanos()) {
						// Longer than client-go's 10 s SPDY ping period with no traffic:
						// an
						// idle timeout or an unanswered ping anywhere would end the
						// tunnel.
						Thread.sleep(12_000);
						rested = true;
					}
				}
			}
			long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
			System.out.printf("port-forward: %d requests (%d of them 1 MiB) in %d s through one kubectl%n", requests,
					requests / 7, seconds);
			assertThat(requests).isGreaterThan(30);
			assertThat(forward.isAlive()).as(forward.stderrSoFar()).isTrue();
			assertThat(forward.stderrSoFar()).doesNotContain("lost connection");
		}
	}

	/**
	 * The refusal reaches kubectl on the error stream in the kubelet's words. kubectl
	 * then ends the whole session on purpose ("lost connection to pod", exit 1): since
	 * Kubernetes 1.23 (kubernetes/kubernetes#103526) client-go closes the connection on
	 * any error an error stream reports, so other connections are not forwarded after it,
	 * against the real kubelet too.
	 */
	@Test
	void aPortNobodyListensOnIsAnErrorKubectlReportsThenItEnds() throws Exception {
		int local = TestCluster.freePort();
		try (KubectlProcess forward = kubectl.start("port-forward", "pod/web", local + ":8181")) {
			forward.awaitStdout(out -> out.contains("Forwarding from"), Duration.ofSeconds(30));
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), local)) {
				socket.setSoTimeout(20_000);
				socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				// Nothing answers on the pod's side: kubectl ends the connection without
				// bytes (a reset when it closes before reading what was sent).
				try {
					assertThat(socket.getInputStream().read()).isEqualTo(-1);
				}
				catch (SocketException ex) {
					// reset: ended too
				}
			}
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !forward.isAlive());
			assertThat(forward.stop().exitCode()).isNotZero();
			assertThat(forward.stderrSoFar()).contains("error forwarding port 8181 to pod web_default, uid ")
				.contains(": dial tcp ")
				.contains(":8181: connect: connection refused")
				.contains("lost connection to pod");
		}
	}

	@Test
	void deletingThePodEndsKubectl() throws Exception {
		running(TestPods.shell("doomed", NODE, HTTPD));
		int local = TestCluster.freePort();
		try (KubectlProcess forward = kubectl.start("port-forward", "pod/doomed", local + ":80")) {
			forward.awaitStdout(out -> out.contains("Forwarding from"), Duration.ofSeconds(30));
			assertThat(get(local, "/index.html")).isEqualTo(PAGE);
			client.pods().inNamespace("default").withName("doomed").delete();
			Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !forward.isAlive());
			assertThat(forward.stop().exitCode()).isNotZero();
			assertThat(forward.stderrSoFar()).contains("lost connection to pod");
		}
	}

	@Test
	void aPodThatDoesNotExistIsNotFoundBeforeTheUpgrade() throws IOException {
		Answer answer = upgrade("nosuch");
		assertThat(answer.status()).isEqualTo(404);
		assertThat(answer.body()).contains("\"kind\":\"Status\"")
			.contains("\"reason\":\"NotFound\"")
			.contains("pods \\\"nosuch\\\" not found");
	}

	@Test
	void aPodThatIsNotRunningIsABadRequestBeforeTheUpgrade() throws IOException {
		// Bound to a node no agent serves: it stays Pending.
		client.pods().resource(TestPods.shell("pending", "pf-absent", "true").build()).create();
		Answer answer = upgrade("pending");
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.body()).contains("\"reason\":\"BadRequest\"")
			.contains("unable to forward port because pod is not running. Current status=Pending");
		// Unassigned: kube-apiserver's own words.
		client.pods()
			.resource(new PodBuilder(TestPods.shell("unassigned", NODE, "true").build()).editSpec()
				.withNodeName(null)
				.endSpec()
				.build())
			.create();
		Answer unassigned = upgrade("unassigned");
		assertThat(unassigned.status()).isEqualTo(400);
		assertThat(unassigned.body()).contains("pod unassigned does not have a host assigned");
	}

	/** kubectl's WebSocket upgrade request for port-forward, answer read raw. */
	private static Answer upgrade(String pod) throws IOException {
		URI url = URI.create(cluster.url());
		try (Socket socket = new Socket(url.getHost(), url.getPort())) {
			socket.setSoTimeout(20_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET /api/v1/namespaces/default/pods/" + pod + "/portforward HTTP/1.1\r\n" + "Host: "
					+ url.getAuthority() + "\r\n" + "Connection: Upgrade\r\nUpgrade: websocket\r\n"
					+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
					+ "Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String head = readHead(socket.getInputStream());
			int status = Integer.parseInt(head.split(" ", 3)[1]);
			int length = head.lines()
				.filter(l -> l.toLowerCase().startsWith("content-length:"))
				.map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim()))
				.findFirst()
				.orElse(0);
			String body = new String(socket.getInputStream().readNBytes(length), StandardCharsets.UTF_8);
			return new Answer(status, body);
		}
	}

	private record Answer(int status, String body) {
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			head.write(b);
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	/**
	 * One HTTP/1.0 request on a fresh connection (so every request is a new forwarded
	 * connection), the body after the head.
	 */
	private static String get(int port, String path) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(20_000);
			socket.getOutputStream()
				.write(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			byte[] all = socket.getInputStream().readAllBytes();
			String text = new String(all, StandardCharsets.ISO_8859_1);
			int split = text.indexOf("\r\n\r\n");
			assertThat(split).as("an HTTP answer: %s", text).isPositive();
			assertThat(text).containsPattern("^HTTP/1\\.[01] 200");
			return text.substring(split + 4);
		}
	}

	private static void running(PodBuilder pod) {
		String name = pod.buildMetadata().getName();
		client.pods().resource(pod.build()).create();
		TestPods.await(client, name, p -> "Running".equals(p.getStatus().getPhase())
				&& p.getStatus().getContainerStatuses().stream().allMatch(c -> c.getState().getRunning() != null));
	}

}
