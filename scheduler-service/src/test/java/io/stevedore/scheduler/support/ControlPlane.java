package io.stevedore.scheduler.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.apiserver.ApiServerApplication;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import io.stevedore.scheduler.SchedulerApplication;
import io.stevedore.scheduler.manager.SchedulerManager;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * The real apiserver (embedded store in a test directory) and scheduler replicas, all in
 * this JVM as their processes would run, every setting a command-line argument (the
 * scheduler's application.yml would shadow the apiserver's defaults). One per test class.
 */
public final class ControlPlane implements AutoCloseable {

	private final ConfigurableApplicationContext apiserver;

	private final String url;

	private final List<ConfigurableApplicationContext> schedulers = new ArrayList<>();

	private ControlPlane(ConfigurableApplicationContext apiserver, String url) {
		this.apiserver = apiserver;
		this.url = url;
	}

	/** The apiserver only; start schedulers with {@link #startScheduler}. */
	public static ControlPlane start(Path dataDir) {
		return start(dataDir, "");
	}

	/**
	 * The apiserver only, on the given store: empty for the embedded store in
	 * {@code dataDir}, or a {@code redis://} URL.
	 */
	public static ControlPlane start(Path dataDir, String storageUrl) {
		int port = freePort();
		ConfigurableApplicationContext apiserver = new SpringApplicationBuilder(ApiServerApplication.class).run(
				"--server.address=127.0.0.1", "--server.port=" + port,
				"--stevedore.apiserver.advertise-address=127.0.0.1:" + port, "--stevedore.storage.url=" + storageUrl,
				"--stevedore.storage.embedded-dir=" + dataDir, "--stevedore.storage.require-durable=false",
				"--spring.application.name=apiserver-service", "--server.shutdown=immediate",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN");
		return new ControlPlane(apiserver, "http://127.0.0.1:" + port);
	}

	/** Starts a scheduler replica and, for the first one, waits until it schedules. */
	public ConfigurableApplicationContext startScheduler(String identity, String... extraArgs) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--stevedore.apiserver.url=" + this.url,
				"--stevedore.scheduler.leader-election.identity=" + identity, "--server.shutdown=immediate",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--logging.level.io.stevedore.scheduler=INFO"));
		args.addAll(List.of(extraArgs));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SchedulerApplication.class)
			.run(args.toArray(String[]::new));
		if (this.schedulers.isEmpty()) {
			await().atMost(Duration.ofSeconds(30)).until(() -> context.getBean(SchedulerManager.class).isActive());
		}
		this.schedulers.add(context);
		return context;
	}

	public ConfigurableApplicationContext scheduler(int index) {
		return this.schedulers.get(index);
	}

	public String url() {
		return this.url;
	}

	/** Watches the apiserver is serving now, every client's. */
	public int openWatches() {
		return this.apiserver.getBean(io.stevedore.apiserver.cache.WatchCache.class).watcherCount();
	}

	public KubernetesClient client() {
		return KubernetesClients.create(new ApiServerClientProperties(this.url, null, null, null, null, null,
				Duration.ofSeconds(30), Duration.ofMillis(200)));
	}

	/**
	 * Creates a node with its status (capacity and allocatable), as a node agent would
	 * register it.
	 */
	public static Node createNode(KubernetesClient client, Node node) {
		Node created = client.nodes().resource(node).create();
		if (created.getStatus() == null || created.getStatus().getAllocatable() == null
				|| created.getStatus().getAllocatable().isEmpty()) {
			created.setStatus(node.getStatus());
			created = client.nodes().resource(created).updateStatus();
		}
		return created;
	}

	@Override
	public void close() {
		for (ConfigurableApplicationContext scheduler : this.schedulers) {
			scheduler.close();
		}
		this.apiserver.close();
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("no free loopback port", ex);
		}
	}

}
