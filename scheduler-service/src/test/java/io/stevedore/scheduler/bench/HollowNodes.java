package io.stevedore.scheduler.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The benchmark's nodes as kubemark makes them: one node-agent process on the simulated
 * runtime running N nodes ({@code stevedore.node.simulated.nodes=N}, node-agent
 * {@code hollow.HollowNodeHost}) named {@code <prefix>-0} … against the apiserver of this
 * JVM. The nodes register with the capacity given here, renew their Leases, and start
 * every pod bound to them (Pending to Running and Ready) with the agent's own code; the
 * agent labels each {@code type=simulated}. The host is a process of its own with its own
 * heap, so its CPU and memory are measured apart from the apiserver's and scheduler's.
 * <p>
 * System properties: {@code bench.root} (the repository, where
 * {@code node-agent/target/node-agent-0.1.0-SNAPSHOT.jar} is; "." or ".." by default,
 * whichever has it), {@code bench.hostHeap} (-Xmx and -Xms, "1g"),
 * {@code bench.renewInterval} (Lease renewal, "10s" as the kubelet's),
 * {@code bench.hostJvm} and {@code bench.hostArgs} (more JVM options and host settings).
 */
final class HollowNodes implements AutoCloseable {

	static final String LABEL = "type";

	static final String LABEL_VALUE = "simulated";

	private final Process process;

	private final Path log;

	private HollowNodes(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/**
	 * Starts the host; its nodes register within seconds of its start-up.
	 * @param capacity settings of the capacity each node reports, e.g.
	 * {@code --stevedore.node.simulated.cpus=32}
	 */
	static HollowNodes start(String apiUrl, String prefix, int nodes, List<String> capacity, Path dir)
			throws IOException {
		Path jar = root().resolve("node-agent/target/node-agent-0.1.0-SNAPSHOT.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("node-agent jar not found at " + jar.toAbsolutePath()
					+ ": build it with ./mvnw -q -B -DskipTests install -pl node-agent -am, or set -Dbench.root");
		}
		String heap = System.getProperty("bench.hostHeap", "1g");
		List<String> command = new ArrayList<>(List
			.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap, "-Xms" + heap));
		command.addAll(split(System.getProperty("bench.hostJvm", "")));
		command.addAll(List.of("-jar", jar.toString(),
				"--server.port=" + io.stevedore.scheduler.support.ControlPlane.freePort(),
				"--stevedore.apiserver.url=" + apiUrl, "--stevedore.node.name=" + prefix,
				"--stevedore.node.address=127.0.0.1", "--stevedore.node.root-dir=" + dir.resolve("nodes"),
				"--stevedore.node.runtime=simulated", "--stevedore.node.simulated.nodes=" + nodes,
				"--stevedore.node.node-lease-renew-interval=" + System.getProperty("bench.renewInterval", "10s"),
				"--logging.level.root=WARN", "--logging.level.io.stevedore.nodeagent.hollow=INFO"));
		command.addAll(capacity);
		command.addAll(split(System.getProperty("bench.hostArgs", "")));
		Path log = dir.resolve("host.log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new HollowNodes(process, log);
	}

	private static Path root() {
		String root = System.getProperty("bench.root");
		if (root != null) {
			return Path.of(root);
		}
		return Files.isDirectory(Path.of("node-agent")) ? Path.of(".") : Path.of("..");
	}

	private static List<String> split(String options) {
		return options.isBlank() ? List.of() : List.of(options.strip().split("\\s+"));
	}

	/**
	 * Polls the Nodes labelled {@code type=simulated} once a second until {@code nodes}
	 * of them are Ready; fails when the host exits or the timeout passes.
	 */
	void awaitReady(KubernetesClient client, int nodes, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		int ready = 0;
		while (ready < nodes) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("the hollow-node host exited; see " + this.log);
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Ready hollow nodes: " + ready + " of " + nodes + " after " + timeout + "; see " + this.log);
			}
			Thread.sleep(1000);
			ready = (int) client.nodes()
				.withLabel(LABEL, LABEL_VALUE)
				.list()
				.getItems()
				.stream()
				.filter(HollowNodes::isReady)
				.count();
		}
	}

	static boolean isReady(Node node) {
		return node.getStatus() != null && node.getStatus().getConditions() != null
				&& node.getStatus()
					.getConditions()
					.stream()
					.anyMatch((c) -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * The host's last "hollow nodes" line (skipped beats, queue depth; logged once a
	 * minute), or what it logged of an OutOfMemoryError.
	 */
	String logSummary() {
		try {
			String last = "none yet";
			for (String line : Files.readAllLines(this.log)) {
				if (line.contains("hollow nodes nodes=") || line.contains("OutOfMemory")) {
					int start = line.indexOf(" : ");
					last = (start < 0) ? line : line.substring(start + 3);
				}
			}
			return last;
		}
		catch (IOException ex) {
			return "unreadable: " + ex.getMessage();
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
