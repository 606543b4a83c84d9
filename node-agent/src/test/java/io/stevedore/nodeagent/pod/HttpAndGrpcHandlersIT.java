package io.stevedore.nodeagent.pod;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.LifecycleHandlerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The handlers that talk to a pod over the network, from the real agent to real
 * endpoints. httpGet postStart and preStop hooks: to a server of the test on loopback
 * (named as the hook's host) and to a pod's own port (the pod's IP when no host is
 * named); a hook nobody answers is a FailedPostStartHook event and a restart. grpc
 * probes: a host-network pod whose readiness follows a real gRPC health service of the
 * test.
 */
class HttpAndGrpcHandlersIT {

	private static final String NODE = "it-hooks";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	static HttpServer server;

	static final List<String> requests = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void start() throws IOException {
		cluster = TestCluster.start(dir.resolve("cluster"));
		cluster.startNode(NODE);
		client = cluster.client();
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/", exchange -> {
			requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
					+ exchange.getRequestHeaders().getFirst("User-Agent") + " "
					+ exchange.getRequestHeaders().getFirst("X-Hook"));
			// Any status counts as run: the kubelet does not look at it.
			exchange.sendResponseHeaders(500, -1);
			exchange.close();
		});
		server.start();
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.stop(0);
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aPostStartHookGetsTheNamedHostWithItsHeadersAndThePodRuns() {
		LifecycleHandler hook = get("127.0.0.1", new IntOrString(server.getAddress().getPort()), "/started?x=1");
		hook.getHttpGet().setHttpHeaders(List.of(new HTTPHeader("X-Hook", "post-start")));
		Pod pod = TestPods.running(client, withHooks(TestPods.shell("poststart", NODE, "sleep 100000"), hook, null));
		assertThat(requests).contains("GET /started?x=1 kube-lifecycle/1.32 post-start");
		assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
		assertThat(TestPods.events(client, pod)).noneMatch(e -> e.getReason().equals("FailedPostStartHook"));
	}

	@Test
	void aPostStartHookNobodyAnswersKillsTheContainerWithTheKubeletsEvent() {
		int closed = TestCluster.freePort();
		client.pods()
			.resource(withHooks(TestPods.shell("unanswered", NODE, "sleep 100000"),
					get("127.0.0.1", new IntOrString(closed), "/ready"), null)
				.build())
			.create();
		Pod pod = TestPods.await(client, "unanswered",
				p -> p.getStatus().getContainerStatuses().get(0).getRestartCount() >= 1);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(TestPods.events(client, pod))
				.anySatisfy(e -> assertThat(e.getReason() + " " + e.getMessage())
					.isEqualTo("FailedPostStartHook HTTP lifecycle hook (/ready) for Container \"main\" in Pod "
							+ "\"unanswered_default(" + pod.getMetadata().getUid() + ")\" failed - error: Get "
							+ "\"http://127.0.0.1:" + closed + "/ready\": dial tcp 127.0.0.1:" + closed
							+ ": connect: connection refused")));
		client.pods().resource(pod).withGracePeriod(0).delete();
	}

	@Test
	void aPreStopHookGetsThePodsIpOnANamedPortBeforeTheStop() throws IOException {
		Path out = dir.resolve("prestop");
		Files.createDirectories(out);
		// The container records what reaches its port 8080 in a host directory, which
		// outlives the pod.
		PodBuilder builder = withHooks(
				TestPods.shell("prestop", NODE,
						"while true; do printf 'HTTP/1.1 200 OK\\r\\n"
								+ "Content-Length: 0\\r\\n\\r\\n' | nc -l -p 8080 >> /out/requests; done"),
				null, get(null, new IntOrString("http"), "/drain"));
		Pod pod = TestPods.running(client,
				builder.editSpec()
					.editFirstContainer()
					.addNewPort()
					.withName("http")
					.withContainerPort(8080)
					.endPort()
					.addNewVolumeMount()
					.withName("out")
					.withMountPath("/out")
					.endVolumeMount()
					.endContainer()
					.addNewVolume()
					.withName("out")
					.withNewHostPath()
					.withPath(out.toString())
					.endHostPath()
					.endVolume()
					.endSpec());
		client.pods().resource(pod).delete();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> client.pods().inNamespace("default").withName("prestop").get() == null);
		String received = Files.readString(out.resolve("requests"));
		assertThat(received).startsWith("GET /drain HTTP/1.1")
			.contains("User-Agent: kube-lifecycle/1.32")
			.contains(pod.getStatus().getPodIP() + ":8080");
	}

	@Test
	void aGrpcReadinessProbeFollowsTheHealthServicesStatus() throws IOException {
		HealthStatusManager health = new HealthStatusManager();
		health.setStatus("orders", ServingStatus.NOT_SERVING);
		Server grpc = NettyServerBuilder
			.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
			.addService(health.getHealthService())
			.build()
			.start();
		try {
			// A host-network pod's IP is the node's (loopback here), where the service
			// listens.
			client.pods()
				.resource(new PodBuilder(TestPods.sleeper("grpc", NODE)).editSpec()
					.withHostNetwork(true)
					.editFirstContainer()
					.withNewReadinessProbe()
					.withNewGrpc()
					.withPort(grpc.getPort())
					.withService("orders")
					.endGrpc()
					.withPeriodSeconds(1)
					.endReadinessProbe()
					.endContainer()
					.endSpec()
					.build())
				.create();
			Pod running = TestPods.await(client, "grpc", p -> "Running".equals(p.getStatus().getPhase()));
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(TestPods.events(client, running))
					.anySatisfy(e -> assertThat(e.getReason() + " " + e.getMessage()).isEqualTo(
							"Unhealthy Readiness probe failed: service unhealthy (responded with \"NOT_SERVING\")")));
			assertThat(TestPods.ready(client.pods().inNamespace("default").withName("grpc").get())).isFalse();
			health.setStatus("orders", ServingStatus.SERVING);
			TestPods.await(client, "grpc", TestPods::ready);
			client.pods().resource(running).withGracePeriod(0).delete();
		}
		finally {
			grpc.shutdownNow();
		}
	}

	private static LifecycleHandler get(String host, IntOrString port, String path) {
		return new LifecycleHandlerBuilder().withNewHttpGet()
			.withHost(host)
			.withPort(port)
			.withPath(path)
			.endHttpGet()
			.build();
	}

	private static PodBuilder withHooks(PodBuilder pod, LifecycleHandler postStart, LifecycleHandler preStop) {
		return pod.editSpec()
			.editFirstContainer()
			.withNewLifecycle()
			.withPostStart(postStart)
			.withPreStop(preStop)
			.endLifecycle()
			.endContainer()
			.endSpec();
	}

}
