package io.stevedore.nodeagent.support;

import java.nio.file.Path;
import java.util.List;

import io.stevedore.gateway.GatewayApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The api-gateway in front of a {@link TestCluster}'s apiserver, in this JVM, with TLS,
 * authentication and RBAC: its state directory holds the cluster CA ({@code ca.crt},
 * {@code ca.key}, made when missing) and the admin's {@code kubeconfig}. The node agent's
 * application.yml shadows the gateway's on this classpath, so the settings the gateway
 * needs from its own are given here.
 */
public final class TestGateway implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final int port;

	private final Path stateDir;

	private TestGateway(ConfigurableApplicationContext context, int port, Path stateDir) {
		this.context = context;
		this.port = port;
		this.stateDir = stateDir;
	}

	public static TestGateway start(String apiserverUrl, Path stateDir, Path auditLog) {
		int port = TestCluster.freePort();
		List<String> args = List.of("--spring.main.web-application-type=reactive",
				"--spring.cloud.gateway.server.webflux.enabled=true", "--spring.application.name=api-gateway",
				"--spring.threads.virtual.enabled=false",
				"--spring.cloud.gateway.server.webflux.x-forwarded.enabled=false",
				// The agent's grpc-java (gRPC probes) is on this class path, without the
				// grpc-netty the gateway's JSON-to-gRPC filter would need.
				"--spring.cloud.gateway.server.webflux.filter.json-to-grpc.enabled=false",
				"--spring.cloud.gateway.server.webflux.streaming-media-types=application/json;stream=watch,"
						+ "application/json,application/vnd.kubernetes.protobuf;stream=watch",
				"--server.address=127.0.0.1", "--server.port=" + port, "--stevedore.gateway.upstreams=" + apiserverUrl,
				"--stevedore.gateway.state-dir=" + stateDir, "--stevedore.gateway.tls.server=https://127.0.0.1:" + port,
				"--stevedore.gateway.audit.path=" + auditLog, "--server.shutdown=immediate",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN");
		return new TestGateway(new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new)),
				port, stateDir);
	}

	public String url() {
		return "https://127.0.0.1:" + this.port;
	}

	/** The admin's kubeconfig (CN=admin, O=system:masters) the gateway wrote. */
	public Path adminKubeconfig() {
		return this.stateDir.resolve("kubeconfig");
	}

	@Override
	public void close() {
		this.context.close();
	}

}
