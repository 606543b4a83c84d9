package io.stevedore.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.stevedore.apiserver.ApiServerApplication;
import io.stevedore.gateway.GatewayApplication;
import io.stevedore.testsupport.kubectl.Kubectl;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real apiserver (embedded store in a test directory) and the gateway in front of it
 * with TLS, both in this JVM, settings as command-line arguments: the gateway's
 * application.yml shadows the apiserver's on this classpath. One per test class.
 */
public final class GatewayCluster implements AutoCloseable {

	private final ConfigurableApplicationContext apiserver;

	private final ConfigurableApplicationContext gateway;

	private final String apiserverUrl;

	private final int gatewayPort;

	private final Path stateDir;

	private GatewayCluster(ConfigurableApplicationContext apiserver, ConfigurableApplicationContext gateway,
			String apiserverUrl, int gatewayPort, Path stateDir) {
		this.apiserver = apiserver;
		this.gateway = gateway;
		this.apiserverUrl = apiserverUrl;
		this.gatewayPort = gatewayPort;
		this.stateDir = stateDir;
	}

	/**
	 * Starts both; {@code gatewayArguments} add to (or override) the gateway's settings.
	 */
	public static GatewayCluster start(Path directory, String... gatewayArguments) {
		return start(directory, List.of(), List.of(gatewayArguments));
	}

	/**
	 * Starts both with admission on: the gateway serves its admission endpoint on a free
	 * loopback port and the apiserver calls it, as {@code ./stevedore up} wires them.
	 */
	public static GatewayCluster startWithAdmission(Path directory, String... gatewayArguments) {
		int admissionPort = freePort();
		List<String> arguments = new ArrayList<>(List.of(gatewayArguments));
		arguments.add("--stevedore.gateway.admission.port=" + admissionPort);
		return start(directory, List.of("--stevedore.apiserver.admission.url=http://127.0.0.1:" + admissionPort),
				arguments);
	}

	private static GatewayCluster start(Path directory, List<String> apiserverArguments,
			List<String> gatewayArguments) {
		int apiserverPort = freePort();
		List<String> apiserverSettings = new ArrayList<>(List.of("--spring.main.web-application-type=servlet",
				"--spring.cloud.gateway.server.webflux.enabled=false", "--server.address=127.0.0.1",
				"--server.port=" + apiserverPort, "--stevedore.apiserver.advertise-address=127.0.0.1:" + apiserverPort,
				"--stevedore.storage.url=", "--stevedore.storage.embedded-dir=" + directory.resolve("store"),
				"--stevedore.storage.require-durable=true", "--spring.application.name=apiserver-service",
				"--server.shutdown=immediate", "--spring.main.banner-mode=off", "--logging.level.root=WARN"));
		apiserverSettings.addAll(apiserverArguments);
		ConfigurableApplicationContext apiserver = new SpringApplicationBuilder(ApiServerApplication.class)
			.run(apiserverSettings.toArray(String[]::new));
		String apiserverUrl = "http://127.0.0.1:" + apiserverPort;
		int gatewayPort = freePort();
		Path stateDir = directory.resolve("pki");
		ConfigurableApplicationContext gateway;
		try {
			gateway = startGateway(gatewayPort, apiserverUrl, stateDir, directory.resolve("audit.log"),
					gatewayArguments);
		}
		catch (RuntimeException ex) {
			apiserver.close();
			throw ex;
		}
		return new GatewayCluster(apiserver, gateway, apiserverUrl, gatewayPort, stateDir);
	}

	private static ConfigurableApplicationContext startGateway(int port, String apiserverUrl, Path stateDir,
			Path auditLog, List<String> gatewayArguments) {
		List<String> arguments = new ArrayList<>(List.of("--server.address=127.0.0.1", "--server.port=" + port,
				"--stevedore.gateway.upstreams=" + apiserverUrl, "--stevedore.gateway.state-dir=" + stateDir,
				"--stevedore.gateway.tls.server=https://127.0.0.1:" + port,
				"--stevedore.gateway.audit.path=" + auditLog, "--server.shutdown=immediate",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN"));
		arguments.addAll(gatewayArguments);
		return new SpringApplicationBuilder(GatewayApplication.class).run(arguments.toArray(String[]::new));
	}

	/** A second gateway in front of the same apiserver, with the same PKI. */
	public record Gateway(ConfigurableApplicationContext context, String url) implements AutoCloseable {

		@Override
		public void close() {
			this.context.close();
		}

	}

	/**
	 * Starts another gateway on this cluster's apiserver with a copy of its PKI (the same
	 * CA, serving and admin certificates) in {@code directory}, where its audit log goes
	 * too, with {@code arguments} added: two configurations answer side by side.
	 */
	public Gateway startAnotherGateway(Path directory, String... arguments) {
		Path stateDir = directory.resolve("pki");
		try {
			Files.createDirectories(stateDir);
			for (String file : List.of("ca.crt", "ca.key", "gateway.crt", "gateway.key", "admin.crt", "admin.key")) {
				Files.copy(this.stateDir.resolve(file), stateDir.resolve(file));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		int port = freePort();
		List<String> settings = new ArrayList<>(List.of(arguments));
		settings.add("--stevedore.gateway.rbac.bootstrap=false");
		return new Gateway(startGateway(port, this.apiserverUrl, stateDir, directory.resolve("audit.log"), settings),
				"https://127.0.0.1:" + port);
	}

	public String apiserverUrl() {
		return this.apiserverUrl;
	}

	public String gatewayUrl() {
		return "https://127.0.0.1:" + this.gatewayPort;
	}

	public Path stateDir() {
		return this.stateDir;
	}

	public ConfigurableApplicationContext gateway() {
		return this.gateway;
	}

	/**
	 * kubectl with the admin kubeconfig the gateway wrote (CN=admin, O=system:masters).
	 */
	public Kubectl adminKubectl(Path home) {
		return Kubectl.forKubeconfig(this.stateDir.resolve("kubeconfig"), home);
	}

	/**
	 * kubectl presenting {@code token} (a {@link StaticTokens} user's, or any other), its
	 * home named after the token in the directory the cluster was started in.
	 */
	public Kubectl kubectlWithToken(String token) {
		String name = token.endsWith("-token") ? token.substring(0, token.length() - "-token".length()) : token;
		return kubectl(this.stateDir.getParent().resolve(name + "-home"), "token: " + token);
	}

	/** kubectl with a kubeconfig trusting the cluster CA and presenting {@code user}. */
	public Kubectl kubectl(Path home, String userYaml) {
		try {
			String ca = java.util.Base64.getEncoder()
				.encodeToString(Files.readAllBytes(this.stateDir.resolve("ca.crt")));
			Path kubeconfig = home.resolve("kubeconfig");
			Files.createDirectories(home);
			Files.writeString(kubeconfig, """
					apiVersion: v1
					kind: Config
					clusters:
					- name: stevedore
					  cluster:
					    server: %s
					    certificate-authority-data: %s
					users:
					- name: user
					  user:
					%s
					contexts:
					- name: stevedore
					  context:
					    cluster: stevedore
					    user: user
					current-context: stevedore
					""".formatted(gatewayUrl(), ca, userYaml.indent(4).stripTrailing()));
			return Kubectl.forKubeconfig(kubeconfig, home);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.gateway.close();
		}
		finally {
			this.apiserver.close();
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("no free loopback port", ex);
		}
	}

}
