package io.stevedore.controller.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.apiserver.ApiServerApplication;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import io.stevedore.controller.ControllerApplication;
import io.stevedore.controller.manager.ControllerManager;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * The real apiserver (embedded store in a test directory) and the controller-service,
 * both started in this JVM as their processes would be, settings as command-line
 * arguments (application.yml would override defaults). One per test class.
 */
public final class ControlPlane implements AutoCloseable {

	private final ConfigurableApplicationContext apiserver;

	private final String url;

	private ConfigurableApplicationContext controllers;

	private final String[] controllerArgs;

	private ControlPlane(ConfigurableApplicationContext apiserver, String url, String[] controllerArgs) {
		this.apiserver = apiserver;
		this.url = url;
		this.controllerArgs = controllerArgs;
	}

	public static ControlPlane start(Path dataDir) {
		return start(dataDir, new String[0]);
	}

	/**
	 * @param controllerArgs more controller-service settings, e.g.
	 * {@code --stevedore.controllers.enabled=garbagecollector} to test one controller
	 * alone
	 */
	public static ControlPlane start(Path dataDir, String... controllerArgs) {
		int port = freePort();
		// The controller-service's application.yml shadows the apiserver's on this
		// classpath: everything the apiserver needs is an argument.
		ConfigurableApplicationContext apiserver = new SpringApplicationBuilder(ApiServerApplication.class).run(
				"--server.address=127.0.0.1", "--server.port=" + port,
				"--stevedore.apiserver.advertise-address=127.0.0.1:" + port, "--stevedore.storage.url=",
				"--stevedore.storage.embedded-dir=" + dataDir, "--stevedore.storage.require-durable=true",
				"--spring.application.name=apiserver-service", "--server.shutdown=immediate",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN");
		ControlPlane plane = new ControlPlane(apiserver, "http://127.0.0.1:" + port, controllerArgs);
		plane.startControllers("test-replica-1");
		return plane;
	}

	/** Starts (another) controller-service replica against this apiserver. */
	public ConfigurableApplicationContext startControllers(String identity) {
		java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--server.port=0",
				"--stevedore.apiserver.url=" + this.url, "--stevedore.controllers.leader-election.identity=" + identity,
				"--server.shutdown=immediate", "--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--logging.level.io.stevedore.controller=INFO"));
		args.addAll(java.util.List.of(this.controllerArgs));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ControllerApplication.class)
			.run(args.toArray(String[]::new));
		if (this.controllers == null) {
			this.controllers = context;
			await().atMost(Duration.ofSeconds(30)).until(() -> context.getBean(ControllerManager.class).isActive());
		}
		return context;
	}

	/**
	 * Stops the controller-service and starts a new one (a new identity, so it takes the
	 * Lease the old one let go at its clean shutdown): a controller restart, with nothing
	 * kept in memory.
	 */
	public void restartControllers(String identity) {
		if (this.controllers != null) {
			this.controllers.close();
			this.controllers = null;
		}
		startControllers(identity);
	}

	/** Stops the controller-service; {@link #restartControllers} starts one again. */
	public void stopControllers() {
		if (this.controllers != null) {
			this.controllers.close();
			this.controllers = null;
		}
	}

	public String url() {
		return this.url;
	}

	public KubernetesClient client() {
		return KubernetesClients.create(new ApiServerClientProperties(this.url, null, null, null, null, null,
				Duration.ofSeconds(30), Duration.ofMillis(200)));
	}

	/** The apiserver's application (its beans: request metrics). */
	public ConfigurableApplicationContext apiserver() {
		return this.apiserver;
	}

	public ConfigurableApplicationContext controllers() {
		return this.controllers;
	}

	@Override
	public void close() {
		if (this.controllers != null) {
			this.controllers.close();
		}
		this.apiserver.close();
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
