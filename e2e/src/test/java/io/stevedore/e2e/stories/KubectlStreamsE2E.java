package io.stevedore.e2e.stories;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.TestImages;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlProcess;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl exec}, {@code kubectl cp} and {@code kubectl port-forward} on a cluster
 * of {@code ./stevedore up}, the whole way: kubectl (WebSocket, v5.channel.k8s.io or
 * SPDY/3.1+portforward.k8s.io; and forced to plain SPDY/3.1) over TLS to the gateway
 * (authentication, RBAC create on pods/exec and pods/portforward, WebSocket routing), the
 * apiserver's tunnel, the node agent, Docker.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@ExtendWith(SharedStoryCluster.Extension.class)
class KubectlStreamsE2E {

	/** Its own namespace of the run's shared cluster (see {@link SharedStoryCluster}). */
	private static final String NAMESPACE = "streams";

	@TempDir
	static Path temp;

	static StoryCluster shared;

	static StoryCluster cluster;

	@BeforeAll
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	static void up(StoryCluster sharedCluster) {
		// The run's shared cluster: every hop of the streams is the same on it as on a
		// cluster of this class's own, and an up and down less is close to a minute.
		shared = sharedCluster;
		cluster = shared.inNamespace(NAMESPACE, temp);
		cluster.ok("run", "box", "--image=" + TestImages.BUSYBOX, "--restart=Never", "--", "sh", "-c",
				"trap 'exit 0' TERM; sleep 100000 & wait");
		cluster.ok("wait", "--for=condition=Ready", "pod/box", "--timeout=" + StoryCluster.WAIT.toSeconds() + "s");
		// Five numbered lines, then a failure: restarted, so --previous has an instance.
		cluster.ok("run", "talker", "--image=" + TestImages.BUSYBOX, "--restart=Always", "--", "sh", "-c",
				"for i in 1 2 3 4 5; do echo line $i; done; sleep 2; exit 1");
	}

	@AfterAll
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	static void down() {
		if (cluster != null) {
			shared.deleteNamespace(NAMESPACE);
		}
	}

	/**
	 * The pod's kube-api-access volume (on by default in {@code ./stevedore up}) holds a
	 * token its node agent fetched through the gateway; from the pod's network namespace,
	 * that token and the volume's {@code ca.crt} reach the API at
	 * {@code $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT} (the proxy's ClusterIP
	 * rules to the gateway) as the pod's ServiceAccount. Busybox's wget cannot do the
	 * gateway's TLS, so the host's curl runs inside the pod's network namespace.
	 */
	@Test
	void aPodCallsTheApiWithItsServiceAccountTokenThroughTheKubernetesService() throws Exception {
		String token = cluster.out("exec", "box", "--", "cat", "/var/run/secrets/kubernetes.io/serviceaccount/token");
		Path ca = temp.resolve("pod-ca.crt");
		Files.writeString(ca,
				cluster.out("exec", "box", "--", "cat", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt") + "\n");
		String address = cluster.out("exec", "box", "--", "sh", "-c",
				"echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT");
		String uid = cluster.out("get", "pod", "box", "-o", "jsonpath={.metadata.uid}");
		String container = Docker.containerIds("io.kubernetes.pod.uid", uid).get(0);
		String pid = Docker.run("inspect", "-f", "{{.State.Pid}}", container).strip();

		String review = inPod(pid, "curl", "-sS", "--cacert", ca.toString(), "-H", "Authorization: Bearer " + token,
				"-H", "Content-Type: application/json", "-X", "POST", "-d",
				"{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}",
				"https://" + address + "/apis/authentication.k8s.io/v1/selfsubjectreviews");
		assertThat(review).contains("\"username\":\"system:serviceaccount:" + NAMESPACE + ":default\"");
		String refused = inPod(pid, "curl", "-sS", "--cacert", ca.toString(), "-H", "Authorization: Bearer " + token,
				"https://" + address + "/api/v1/namespaces/kube-system/secrets");
		assertThat(refused).contains("\"code\":403")
			.contains("\"reason\":\"Forbidden\"")
			.contains("system:serviceaccount:" + NAMESPACE + ":default")
			.contains("cannot list resource");
	}

	/**
	 * The scheduler, controllers, proxy and node agent each use their own certificate,
	 * through the gateway, so NodeRestriction holds a node agent to its own pods; the
	 * node agent's came by TLS bootstrapping.
	 */
	@Test
	void theComponentsHaveTheirOwnIdentitiesAndANodeMayNotWriteAnotherNodesPod() throws Exception {
		Path state = Path.of(cluster.stevedore().environment("STEVEDORE_HOME"));
		Path identities = state.resolve("pki/identities");
		String node = cluster.stevedore().nodeName(1);
		for (String[] component : new String[][] { { "scheduler", "system:kube-scheduler" },
				{ "controllers", "system:kube-controller-manager" }, { "proxy", "system:kube-proxy" },
				{ "node-" + node, "system:node:" + node } }) {
			KubectlResult whoami = Kubectl.forKubeconfig(identities.resolve(component[0] + ".kubeconfig"), temp)
				.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}");
			assertThat(whoami.stdout()).as(whoami.describe()).isEqualTo(component[1]);
		}
		// The node agent got its certificate by TLS bootstrapping: its CSR, posted with
		// the
		// bootstrap token, was approved by csrapproving and issued by csrsigning, and the
		// certificate it runs with is the one issued.
		String csrs = cluster.out("get", "csr", "-o",
				"jsonpath={range .items[*]}{.spec.signerName} {.spec.username} {.status.conditions[0].type}"
						+ " {.status.conditions[0].reason} {.status.certificate}{\"\\n\"}{end}");
		String issued = Base64.getEncoder()
			.encodeToString(Files.readAllBytes(identities.resolve("node-" + node + ".crt")));
		assertThat(csrs.lines().filter((line) -> line.endsWith(" " + issued)).toList()).as(csrs)
			.singleElement()
			.satisfies((line) -> assertThat(line).matches(
					"kubernetes\\.io/kube-apiserver-client-kubelet system:bootstrap:[a-z0-9]{6} Approved AutoApproved .*"));
		assertThat(cluster.out("get", "csr"))
			.containsPattern("system:bootstrap:[a-z0-9]{6}\\s+<none>\\s+Approved,Issued");
		assertThat(Files.getPosixFilePermissions(identities.resolve("node-" + node + ".key")))
			.isEqualTo(PosixFilePermissions.fromString("rw-------"));
		String audit = Files.readString(state.resolve("logs/audit.log"));
		assertThat(audit).as("every component's requests go through the gateway")
			.contains("\"username\":\"system:kube-scheduler\"")
			.contains("\"username\":\"system:kube-controller-manager\"")
			.contains("\"username\":\"system:kube-proxy\"")
			.contains("\"username\":\"system:node:" + node + "\"");

		// A pod bound to a node that has no agent here: the node's certificate may not
		// touch it.
		cluster.ok("run", "elsewhere", "--image=" + TestImages.BUSYBOX, "--restart=Never",
				"--overrides={\"spec\":{\"nodeName\":\"other-node\"}}", "--", "sleep", "1");
		String answer = run(List.of("curl", "-sS", "--cacert", state.resolve("pki/ca.crt").toString(), "--cert",
				identities.resolve("node-" + node + ".crt").toString(), "--key",
				identities.resolve("node-" + node + ".key").toString(), "-X", "PATCH", "-H",
				"Content-Type: application/merge-patch+json", "-d", "{\"status\":{\"message\":\"forged\"}}",
				"https://127.0.0.1:" + cluster.stevedore().environment("STEVEDORE_GATEWAY_PORT") + "/api/v1/namespaces/"
						+ NAMESPACE + "/pods/elsewhere/status"));
		assertThat(answer).contains("\"code\":403")
			.contains("can only update pod status for pods with spec.nodeName set to itself");
		assertThat(cluster.out("get", "pod", "elsewhere", "-o", "jsonpath={.status.message}")).isEmpty();
		// No agent will ever confirm its end: forced, as a user would, or the namespace's
		// deletion at the end waits for the pod GC's quarantine of a missing node (40 s).
		cluster.ok("delete", "pod", "elsewhere", "--grace-period=0", "--force");
	}

	private static String inPod(String pid, String... command) throws Exception {
		List<String> args = new ArrayList<>(List.of("nsenter", "-t", pid, "-n"));
		args.addAll(List.of(command));
		return run(args);
	}

	private static String run(List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return output;
	}

	@Test
	void execPrintsTheOutputAndExitsWithTheCommandsCode() {
		KubectlResult result = cluster.kubectl()
			.run("exec", "box", "--", "sh", "-c", "echo to out; echo to err >&2; exit 3");
		assertThat(result.exitCode()).as(result.describe()).isEqualTo(3);
		assertThat(result.stdout()).isEqualTo("to out\n");
		assertThat(result.stderr()).contains("to err\n");
	}

	@Test
	void repeatedExecsKeepTheLastOutputAndTheStatusThoughTheAgentClosesRightAfterIt() {
		// The agent closes as soon as the status is written (as the kubelet does): the
		// gateway and the apiserver's tunnel must still deliver the frames before the
		// close, every time (Spring Cloud Gateway's WebSocket routing lost them now and
		// then under load: see the gateway's StreamRelay). The times go to the log for
		// docs/benchmarks.md.
		String expected = IntStream.rangeClosed(1, 3000).mapToObj(i -> i + "\n").collect(Collectors.joining());
		for (int i = 0; i < 20; i++) {
			long start = System.nanoTime();
			KubectlResult result = cluster.kubectl().run("exec", "box", "--", "sh", "-c", "seq 1 3000; exit 7");
			System.out.printf("kubectl exec %d took %d ms%n", i, (System.nanoTime() - start) / 1_000_000);
			assertThat(result.exitCode()).as(result.describe()).isEqualTo(7);
			assertThat(result.stdout()).as("run %d", i).isEqualTo(expected);
		}
	}

	@Test
	void execPipesStdinToTheCommand() {
		pipesStdin(cluster.kubectl());
	}

	private static void pipesStdin(Kubectl kubectl) {
		KubectlResult result = kubectl.runWithInput("first\nsecond\n", "exec", "-i", "box", "--", "sh", "-c",
				"cat; echo end");
		assertThat(result.exitCode()).as(result.describe()).isZero();
		assertThat(result.stdout()).isEqualTo("first\nsecond\nend\n");
	}

	@Test
	void cpCopiesAFileIntoThePodAndBack() throws IOException {
		copiesInAndBack(cluster.kubectl(), "websocket");
	}

	private static void copiesInAndBack(Kubectl kubectl, String name) throws IOException {
		StringBuilder content = new StringBuilder();
		for (int i = 0; i < 20000; i++) {
			content.append(name).append(" row ").append(i).append('\n');
		}
		Path local = Files.writeString(temp.resolve(name + "-upload.txt"), content);
		KubectlResult in = kubectl.run("cp", local.toString(), "box:/tmp/" + name + "-upload.txt");
		assertThat(in.exitCode()).as(in.describe()).isZero();
		Path back = temp.resolve(name + "-download.txt");
		KubectlResult out = kubectl.run("cp", "box:/tmp/" + name + "-upload.txt", back.toString());
		assertThat(out.exitCode()).as(out.describe()).isZero();
		assertThat(Files.readString(back)).isEqualTo(content.toString());
	}

	@Test
	void execIntoAContainerThePodDoesNotHaveIsRefused() {
		KubectlResult result = cluster.kubectl().run("exec", "box", "-c", "nope", "--", "true");
		assertThat(result.exitCode()).as(result.describe()).isNotZero();
		assertThat(result.stderr()).contains("container nope is not valid for pod box");
	}

	@Test
	void portForwardCarriesHttpToThePodOnSequentialAndParallelConnections() throws Exception {
		// busybox's httpd without -f goes to the background and stays in the container.
		cluster.ok("exec", "box", "--", "sh", "-c",
				"mkdir -p /www && echo hello through the gateway > /www/index.html && httpd -p 8080 -h /www");
		forwardsPages(cluster.kubectl(), 8080, "hello through the gateway\n");
	}

	/**
	 * kubectl port-forward to the box's port serves the page on sequential and parallel
	 * connections and stays up.
	 */
	private static void forwardsPages(Kubectl kubectl, int podPort, String expected) throws Exception {
		int local;
		try (ServerSocket free = new ServerSocket()) {
			free.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			local = free.getLocalPort();
		}
		try (KubectlProcess forward = kubectl.start("port-forward", "pod/box", local + ":" + podPort)) {
			forward.awaitStdout(out -> out.contains("Forwarding from"), Duration.ofSeconds(30));
			assertThat(page(local)).isEqualTo(expected);
			try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
				List<Future<String>> pages = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					pages.add(pool.submit(() -> page(local)));
				}
				for (Future<String> page : pages) {
					assertThat(page.get()).as(forward.stderrSoFar()).isEqualTo(expected);
				}
			}
			assertThat(page(local)).isEqualTo(expected);
			assertThat(forward.isAlive()).as(forward.stderrSoFar()).isTrue();
		}
	}

	/**
	 * kubectl forced to plain SPDY/3.1 for exec, attach and cp (what it falls back to
	 * when a WebSocket is refused, and all client-go programs and older kubectl speak):
	 * the gateway passes the upgrade on and relays the bytes untouched.
	 */
	private static Kubectl spdy() {
		return cluster.kubectl()
			.withEnvironment("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false")
			.withEnvironment("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false");
	}

	@Test
	void execOverSpdyKeepsAllOutputAndExitsWithTheCommandsCode() throws Exception {
		String expected = IntStream.rangeClosed(1, 3000).mapToObj(i -> i + "\n").collect(Collectors.joining());
		KubectlResult first = spdy().run("exec", "-v=7", "box", "--", "sh", "-c",
				"seq 1 3000; echo to err >&2; exit 7");
		assertThat(first.exitCode()).as(first.describe()).isEqualTo(7);
		assertThat(first.stdout()).isEqualTo(expected);
		// kubectl's own log: a POST offering the SPDY versions, answered 101; no
		// WebSocket.
		assertThat(first.stderr()).contains("to err\n")
			.contains("X-Stream-Protocol-Version: v4.channel.k8s.io")
			.contains("Response Status: 101")
			.doesNotContainIgnoringCase("Sec-WebSocket");
		assertAuditedAsSwitchingProtocols("echo+to+err");
		for (int i = 0; i < 10; i++) {
			long start = System.nanoTime();
			KubectlResult result = spdy().run("exec", "box", "--", "sh", "-c", "seq 1 3000; exit 7");
			System.out.printf("kubectl exec over SPDY %d took %d ms%n", i, (System.nanoTime() - start) / 1_000_000);
			assertThat(result.exitCode()).as(result.describe()).isEqualTo(7);
			assertThat(result.stdout()).as("run %d", i).isEqualTo(expected);
		}
	}

	/**
	 * The gateway's audit saw the tunnelled request through to its end: its
	 * ResponseComplete event, status 101, is written once the stream is over.
	 */
	private static void assertAuditedAsSwitchingProtocols(String uriPart) throws Exception {
		Path audit = Path.of(cluster.stevedore().environment("STEVEDORE_HOME")).resolve("logs/audit.log");
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		List<String> events = List.of();
		while (System.nanoTime() < deadline) {
			events = Files.readAllLines(audit)
				.stream()
				.filter(line -> line.contains(uriPart) && line.contains("\"stage\":\"ResponseComplete\""))
				.toList();
			if (!events.isEmpty()) {
				break;
			}
			Thread.sleep(200);
		}
		assertThat(events).singleElement()
			.satisfies(event -> assertThat(event).contains("\"code\":101").contains("\"subresource\":\"exec\""));
	}

	@Test
	void execOverSpdyPipesStdinToTheCommand() {
		pipesStdin(spdy());
	}

	@Test
	void cpOverSpdyCopiesAFileIntoThePodAndBack() throws IOException {
		copiesInAndBack(spdy(), "spdy");
	}

	@Test
	void portForwardOverSpdyCarriesHttpToThePod() throws Exception {
		cluster.ok("exec", "box", "--", "sh", "-c",
				"mkdir -p /spdy && echo hello over spdy > /spdy/index.html && httpd -p 8081 -h /spdy");
		forwardsPages(spdy(), 8081, "hello over spdy\n");
	}

	@Test
	void logsHonourTailLimitBytesSinceTimestampsPreviousAndFollow() throws Exception {
		long deadline = System.nanoTime() + StoryCluster.WAIT.toNanos();
		while (cluster.out("get", "pod", "talker", "-o", "jsonpath={.status.containerStatuses[0].restartCount}")
			.matches("0?")) {
			assertThat(System.nanoTime()).as("talker restarted").isLessThan(deadline);
			Thread.sleep(500);
		}
		String all = "line 1\nline 2\nline 3\nline 4\nline 5\n";
		assertThat(logs("talker", "--previous")).isEqualTo(all);
		assertThat(logs("talker", "--previous", "--tail=2")).isEqualTo("line 4\nline 5\n");
		assertThat(logs("talker", "--previous", "--limit-bytes=9")).isEqualTo("line 1\nli");
		// Everything was written before the stamp; nothing after it. The talker keeps
		// restarting (its back-off grows): once it restarted again, --previous is a later
		// instance, so the stamp and the read after it are taken again until both saw the
		// same one.
		String sinceStamp;
		String restarts;
		do {
			assertThat(System.nanoTime()).as("talker stopped restarting between two reads").isLessThan(deadline);
			restarts = restartCount("talker");
			String stamped = logs("talker", "--previous", "--timestamps", "--tail=1");
			assertThat(stamped).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z line 5\n");
			String stamp = stamped.substring(0, stamped.indexOf(' '));
			java.time.Instant after = java.time.Instant.parse(stamp).plusSeconds(1);
			sinceStamp = logs("talker", "--previous", "--since-time=" + after);
		}
		while (!restarts.equals(restartCount("talker")));
		assertThat(sinceStamp).isEmpty();
		assertThat(logs("talker", "--previous", "--since=1h")).isEqualTo(all);
		// -f on the running box: a line written after kubectl attached arrives.
		try (KubectlProcess follow = cluster.kubectl().start("logs", "-f", "box")) {
			Thread.sleep(1000);
			cluster.ok("exec", "box", "--", "sh", "-c", "echo followed line > /proc/1/fd/1");
			follow.awaitStdout(out -> out.contains("followed line"), Duration.ofSeconds(30));
			assertThat(follow.isAlive()).as(follow.stderrSoFar()).isTrue();
		}
	}

	private static String restartCount(String pod) {
		return cluster.out("get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0].restartCount}");
	}

	/** kubectl logs' output as it came, trailing newline included (out() trims it). */
	private static String logs(String... args) {
		String[] all = new String[args.length + 1];
		all[0] = "logs";
		System.arraycopy(args, 0, all, 1, args.length);
		KubectlResult result = cluster.kubectl().run(all);
		assertThat(result.exitCode()).as(result.describe()).isZero();
		return result.stdout();
	}

	/** One GET on a connection of its own: each is a new forwarded connection. */
	private static String page(int port) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(20_000);
			socket.getOutputStream()
				.write("GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			assertThat(answer).containsPattern("^HTTP/1\\.[01] 200");
			return answer.substring(answer.indexOf("\r\n\r\n") + 4);
		}
	}

}
