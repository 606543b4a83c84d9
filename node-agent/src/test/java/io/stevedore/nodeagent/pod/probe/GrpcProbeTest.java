package io.stevedore.nodeagent.pod.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.stevedore.nodeagent.runtime.FakeContainerRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * grpc probes against a real gRPC server on loopback (grpc-java's own health service):
 * the verdict for each serving status, a server without the health service, a port nobody
 * listens on, in the kubelet's words.
 */
class GrpcProbeTest {

	private final Prober prober = new Prober(new FakeContainerRuntime(java.time.Clock.systemUTC()));

	private Server server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.shutdownNow();
		}
	}

	@Test
	void servingPassesAndNotServingFailsWithTheStatusItAnswered() throws IOException {
		HealthStatusManager health = new HealthStatusManager();
		int port = serve(health);
		health.setStatus("", ServingStatus.SERVING);
		health.setStatus("payments", ServingStatus.NOT_SERVING);

		assertThat(probe(port, null)).isNull();
		assertThat(probe(port, "payments")).isEqualTo("service unhealthy (responded with \"NOT_SERVING\")");
		health.setStatus("payments", ServingStatus.SERVING);
		assertThat(probe(port, "payments")).isNull();
		assertThat(probe(port, "unknown")).startsWith("error: health rpc probe failed: NOT_FOUND");
	}

	@Test
	void aServerWithoutTheHealthServiceDoesNotImplementTheProtocol() throws IOException {
		this.server = NettyServerBuilder
			.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
			.build()
			.start();
		assertThat(probe(this.server.getPort(), null))
			.startsWith("server does not implement the grpc health protocol (grpc.health.v1.Health)");
	}

	@Test
	void aPortNobodyListensOnFailsToConnect() throws IOException {
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		assertThat(probe(closed, null))
			.startsWith("error: failed to connect service at \"127.0.0.1:" + closed + "\": UNAVAILABLE");
	}

	private int serve(HealthStatusManager health) throws IOException {
		this.server = NettyServerBuilder
			.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
			.addService(health.getHealthService())
			.build()
			.start();
		return this.server.getPort();
	}

	private String probe(int port, String service) {
		Probe probe = new ProbeBuilder().withNewGrpc().withPort(port).withService(service).endGrpc().build();
		return this.prober.probe(probe, new ContainerBuilder().withName("app").build(), "c1", "127.0.0.1");
	}

}
