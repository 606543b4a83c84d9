package io.stevedore.nodeagent.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.apiserver.ApiServerApplication;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import io.stevedore.nodeagent.NodeAgentApplication;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.DockerDaemon;
import io.stevedore.testsupport.docker.TestImages;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real apiserver (embedded store in a test directory) and node agents on the real
 * Docker engine, all in this JVM as their processes would be, settings as command-line
 * arguments. The busybox test image is both the sandbox image and the pods' image. Each
 * agent's containers carry its node name, so {@link #close} removes exactly them.
 */
public final class TestCluster implements AutoCloseable {

	private final ConfigurableApplicationContext apiserver;

	private final String url;

	private final Path dataDir;

	private final List<String> nodes = new ArrayList<>();

	private final List<AutoCloseable> opened = new ArrayList<>();

	private TestCluster(ConfigurableApplicationContext apiserver, String url, Path dataDir) {
		this.apiserver = apiserver;
		this.url = url;
		this.dataDir = dataDir;
	}

	public static TestCluster start(Path dataDir) {
		return start(dataDir, new String[0]);
	}

	/** With extra apiserver arguments (e.g. {@code stevedore.apiserver.kubelet.*}). */
	public static TestCluster start(Path dataDir, String... apiserverArguments) {
		DockerDaemon.ensureRunning();
		TestImages.busybox();
		int port = freePort();
		List<String> args = new ArrayList<>(List.of("--server.address=127.0.0.1", "--server.port=" + port,
				"--stevedore.apiserver.advertise-address=127.0.0.1:" + port, "--stevedore.storage.url=",
				"--stevedore.storage.embedded-dir=" + dataDir.resolve("store"),
				"--spring.application.name=apiserver-service", "--server.shutdown=immediate",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN"));
		args.addAll(List.of(apiserverArguments));
		ConfigurableApplicationContext apiserver = new SpringApplicationBuilder(ApiServerApplication.class)
			.run(args.toArray(String[]::new));
		return new TestCluster(apiserver, "http://127.0.0.1:" + port, dataDir);
	}

	/** Starts a node agent; extra arguments override the test defaults. */
	public ConfigurableApplicationContext startNode(String name, String... extra) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--stevedore.apiserver.url=" + this.url,
				"--stevedore.node.name=" + name, "--stevedore.node.address=127.0.0.1",
				"--stevedore.node.root-dir=" + this.dataDir.resolve("nodes").resolve(name),
				"--stevedore.node.sandbox-image=" + TestImages.BUSYBOX, "--stevedore.node.relist-period=500ms",
				"--stevedore.node.crash-loop-back-off-initial=1s", "--stevedore.node.crash-loop-back-off-max=4s",
				"--server.shutdown=immediate", "--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--logging.level.io.stevedore.nodeagent=INFO"));
		for (String argument : extra) {
			// An extra setting replaces the default of the same name (Spring would join
			// both values).
			String key = argument.contains("=") ? argument.substring(0, argument.indexOf('=') + 1) : argument;
			args.removeIf(a -> a.startsWith(key));
			args.add(argument);
		}
		if (!this.nodes.contains(name)) {
			this.nodes.add(name);
		}
		ConfigurableApplicationContext agent = new SpringApplicationBuilder(NodeAgentApplication.class)
			.run(args.toArray(String[]::new));
		this.opened.add(agent);
		return agent;
	}

	public String url() {
		return this.url;
	}

	public KubernetesClient client() {
		KubernetesClient client = KubernetesClients.create(new ApiServerClientProperties(this.url, null, null, null,
				null, null, Duration.ofSeconds(30), Duration.ofMillis(200)));
		this.opened.add(client);
		return client;
	}

	/**
	 * Closes the clients and agents it made (closing one twice is harmless), the
	 * apiserver, and removes the nodes' containers.
	 */
	@Override
	public void close() {
		for (AutoCloseable resource : this.opened.reversed()) {
			try {
				resource.close();
			}
			catch (Exception ex) {
				// closing for the next test class; nothing to do about it
			}
		}
		this.apiserver.close();
		for (String node : this.nodes) {
			Docker.removeContainers(RuntimeLabels.NODE, node);
			removeCgroups(node);
		}
	}

	/**
	 * The node's pods cgroups (the agent's default root), emptied by the container
	 * removal: rmdir from the leaves up in every tree, as nothing else removes them.
	 */
	private static void removeCgroups(String node) {
		try (var trees = java.nio.file.Files.list(Path.of("/sys/fs/cgroup"))) {
			for (Path tree : trees.toList()) {
				Path root = tree.resolve("stevedore").resolve(node);
				if (!java.nio.file.Files.isDirectory(root)) {
					continue;
				}
				try (var dirs = java.nio.file.Files.walk(root)) {
					dirs.filter(java.nio.file.Files::isDirectory)
						.sorted(java.util.Comparator.reverseOrder())
						.forEach(dir -> dir.toFile().delete());
				}
			}
		}
		catch (IOException | UncheckedIOException ex) {
			// no cgroup file system here: nothing was made
		}
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
