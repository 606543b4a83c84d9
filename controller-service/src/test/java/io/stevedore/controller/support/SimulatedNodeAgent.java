package io.stevedore.controller.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;

import static org.awaitility.Awaitility.await;

/**
 * A real node agent on the simulated runtime, run from its built jar as its own process
 * (the node-agent module is a Spring Boot application, not a library this module can
 * load): it registers a Node, runs the pods bound to it without Docker and reports their
 * usage from the {@code simulated.stevedore.io/*} annotations, which the apiserver serves
 * as metrics.k8s.io. The jar is the reactor's ({@code node-agent/target}) or the local
 * repository's; {@code ./mvnw -pl node-agent install -DskipTests} makes it.
 */
public final class SimulatedNodeAgent implements AutoCloseable {

	private static final String JAR = "node-agent-0.1.0-SNAPSHOT.jar";

	private final Process process;

	private final Path log;

	private SimulatedNodeAgent(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/**
	 * Starts the agent and waits until its Node is Ready.
	 * @param statsPeriod how often the agent samples usage (the metrics' window)
	 */
	public static SimulatedNodeAgent start(KubernetesClient client, String apiserverUrl, String nodeName, Path dir,
			Duration statsPeriod) {
		int port = freePort();
		Path log = dir.resolve(nodeName + ".log");
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
						jar().toString(), "--server.address=127.0.0.1", "--server.port=" + port,
						"--stevedore.apiserver.url=" + apiserverUrl, "--stevedore.node.name=" + nodeName,
						"--stevedore.node.address=127.0.0.1", "--stevedore.node.port=" + port,
						"--stevedore.node.root-dir=" + dir.resolve(nodeName), "--stevedore.node.runtime=simulated",
						"--stevedore.node.simulated.pod-cidr=100.100.42.0/24",
						"--stevedore.node.stats.period=" + statsPeriod.toMillis() + "ms",
						"--stevedore.node.relist-period=500ms", "--server.shutdown=immediate",
						"--spring.main.banner-mode=off", "--logging.level.root=WARN"));
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("starting the node agent " + command, ex);
		}
		SimulatedNodeAgent agent = new SimulatedNodeAgent(process, log);
		try {
			await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException("the node agent exited: " + agent.logTail());
				}
				Node node = client.nodes().withName(nodeName).get();
				return node != null && node.getStatus() != null && node.getStatus().getConditions() != null
						&& node.getStatus()
							.getConditions()
							.stream()
							.anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
			});
		}
		catch (RuntimeException ex) {
			agent.close();
			throw ex;
		}
		return agent;
	}

	/** The end of the agent's log, for failure messages. */
	public String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	private static Path jar() {
		List<Path> candidates = List.of(Path.of("..", "node-agent", "target", JAR).toAbsolutePath().normalize(),
				Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "stevedore", "node-agent",
						"0.1.0-SNAPSHOT", JAR));
		return candidates.stream()
			.filter(Files::isRegularFile)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no node-agent jar at " + candidates
					+ ": build it with ./mvnw -pl node-agent install -DskipTests"));
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
