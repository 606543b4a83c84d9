package io.stevedore.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * N simulated nodes in one node-agent process, as kubemark's hollow nodes: the node-agent
 * jar with {@code stevedore.node.runtime=simulated} and
 * {@code stevedore.node.simulated.nodes=N} (node-agent {@code hollow.HollowNodeHost}),
 * against an apiserver on loopback. Nodes {@code <prefix>-0} … {@code <prefix>-(N-1)}
 * register, renew their Leases and run the pods bound to them through the agent's own
 * code (Pending, Running, Ready, termination); the agent labels each
 * {@code type=simulated}. A watch of those Nodes keeps each one's Ready condition, so a
 * benchmark can wait for them and report any that stopped being Ready.
 * <p>
 * System properties, read here for every benchmark that starts a host:
 * {@code bench.hostHeap} (-Xmx and -Xms, "1g"), {@code bench.hostJvm} (more JVM options,
 * e.g. a flight recording), {@code bench.hostArgs} (more settings, e.g.
 * {@code --stevedore.node.workers=64}).
 */
final class HollowHost implements AutoCloseable {

	/** What the agent puts on every simulated Node. */
	static final String LABEL_SELECTOR = "type%3Dsimulated";

	private final ServiceProcess process;

	private final Path log;

	private final Map<String, Boolean> ready = new ConcurrentHashMap<>();

	private final AtomicInteger lostReady = new AtomicInteger();

	private HollowHost(ServiceProcess process, Path log) {
		this.process = process;
		this.log = log;
	}

	/**
	 * @param settings more host settings before {@code bench.hostArgs}, e.g. the capacity
	 * each node reports ({@code --stevedore.node.simulated.cpus=16})
	 */
	static HollowHost start(Path root, String api, String prefix, int nodes, Duration renew, Duration leaseDuration,
			List<String> settings, Path work) throws IOException {
		Path log = work.resolve("host.log");
		List<String> arguments = new ArrayList<>(List.of("--server.port=" + ServiceProcess.freePort(),
				"--stevedore.apiserver.url=" + api, "--stevedore.node.name=" + prefix,
				"--stevedore.node.address=127.0.0.1", "--stevedore.node.root-dir=" + work.resolve("nodes"),
				"--stevedore.node.runtime=simulated", "--stevedore.node.simulated.nodes=" + nodes,
				"--stevedore.node.node-lease-renew-interval=" + renew.toMillis() + "ms",
				"--stevedore.node.node-lease-duration=" + leaseDuration.toSeconds() + "s", "--logging.level.root=WARN",
				"--logging.level.io.stevedore.nodeagent.hollow=INFO"));
		arguments.addAll(settings);
		arguments.addAll(split(System.getProperty("bench.hostArgs", "")));
		String heap = System.getProperty("bench.hostHeap", "1g");
		List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap, "-Xms" + heap));
		jvm.addAll(split(System.getProperty("bench.hostJvm", "")));
		HollowHost host = new HollowHost(ServiceProcess.launch("hollow-host",
				root.resolve("node-agent/target/node-agent-0.1.0-SNAPSHOT.jar"), jvm, arguments, Map.of(), log), log);
		ObjectStream.start("hollow-nodes", api + "/api/v1/nodes?labelSelector=" + LABEL_SELECTOR,
				a -> host.seen(a.object()));
		return host;
	}

	private static List<String> split(String options) {
		return options.isBlank() ? List.of() : List.of(options.strip().split("\\s+"));
	}

	private void seen(JsonNode node) {
		boolean now = false;
		for (JsonNode condition : node.path("status").path("conditions")) {
			if ("Ready".equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
				now = true;
			}
		}
		Boolean before = this.ready.put(node.path("metadata").path("name").asText(), now);
		if (Boolean.TRUE.equals(before) && !now) {
			this.lostReady.incrementAndGet();
		}
	}

	/** Nodes whose last seen Ready condition is True. */
	int readyNodes() {
		return (int) this.ready.values().stream().filter(Boolean::booleanValue).count();
	}

	/** How many times a node's Ready went from True to something else. */
	int lostReady() {
		return this.lostReady.get();
	}

	/**
	 * Waits until {@code nodes} are Ready; fails when the host exits or the timeout
	 * passes.
	 */
	void awaitReady(int nodes, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		long lastPrint = System.nanoTime();
		while (readyNodes() < nodes) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("the hollow host exited; see " + this.log);
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Ready nodes: " + readyNodes() + " of " + nodes + " after " + timeout + "; see " + this.log);
			}
			if (System.nanoTime() - lastPrint > 30_000_000_000L) {
				System.out.printf("  Ready nodes: %d of %d%n", readyNodes(), nodes);
				lastPrint = System.nanoTime();
			}
			Thread.sleep(100);
		}
	}

	long pid() {
		return this.process.pid();
	}

	/** Resident set size in bytes, from /proc. */
	long residentBytes() throws IOException {
		return this.process.residentBytes();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * The host's own account of itself: its last "hollow nodes" line (skipped beats,
	 * queue depth; logged once a minute) and any OutOfMemoryError.
	 */
	List<String> logSummary() throws IOException {
		List<String> lines = new ArrayList<>();
		String last = null;
		for (String line : Files.readAllLines(this.log)) {
			if (line.contains("hollow nodes nodes=")) {
				last = message(line);
			}
			else if (line.contains("OutOfMemory")) {
				lines.add(message(line));
			}
		}
		if (last != null) {
			lines.add(0, last);
		}
		return lines;
	}

	/** A Spring Boot log line without its time, level and logger. */
	private static String message(String line) {
		int start = line.indexOf(" : ");
		return (start < 0) ? line : line.substring(start + 3);
	}

	/** Asks the process to stop without waiting (for shutdown hooks). */
	void destroy() {
		this.process.destroy();
	}

	@Override
	public void close() throws InterruptedException {
		this.process.close();
	}

}
