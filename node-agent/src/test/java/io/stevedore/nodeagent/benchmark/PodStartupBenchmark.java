package io.stevedore.nodeagent.benchmark;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.docker.Docker;

/**
 * Pod startup latency on the real Docker engine with the image present, each pod timed
 * from its create request to the watch event that shows it Running (ClusterLoader2's
 * {@code pod_startup}, Kubernetes' SLO: p99 &le; 5 s) and to Ready. The apiserver runs in
 * this JVM; the agent runs as its own process from the packaged jar, so its RSS and CPU
 * are its own.
 * <p>
 * Two modes, as ClusterLoader2's density test has two phases:
 * <ul>
 * <li>{@code burst}: N pods created at once (the saturation phase): p99 is the time the
 * engine needs for all of them, so this measures the engine's throughput;</li>
 * <li>a rate R (pods/s): pod i created at {@code i/R} s, each create on its own thread so
 * a slow create does not delay the next (the latency phase, whose pods come through the
 * {@code Uniform5qps} tuning set, a uniform {@code qpsLoad}): the SLO figure, as long as
 * R is below what the engine sustains.</li>
 * </ul>
 * Per batch it prints p50/p90/p99/max to Running and to Ready, the Running throughput
 * seen (pods / time from the first create to the last Running), CPU per pod of the agent,
 * of the engine (dockerd, containerd and its shims with the runc they reaped) and of this
 * JVM (apiserver and client), and the load average; a table of all batches at the end.
 * <p>
 * Run:
 * {@code java -cp <test classpath> io.stevedore.nodeagent.benchmark.PodStartupBenchmark [pods,...] [agent-jar] [--rate burst,1,2,4]}
 */
public final class PodStartupBenchmark {

	private static final String NODE = "bench-node";

	private static final long TICKS_PER_SECOND = 100;

	private PodStartupBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		List<String> positional = new ArrayList<>();
		List<String> rates = List.of("burst");
		for (int i = 0; i < args.length; i++) {
			if (args[i].equals("--rate")) {
				rates = List.of(args[++i].split(","));
			}
			else {
				positional.add(args[i]);
			}
		}
		// Sizes run one after the other on the same agent, each batch deleted before the
		// next: "1,30,100"; each size once per rate.
		String[] counts = (positional.size() > 0 ? positional.get(0) : "100").split(",");
		String jar = positional.size() > 1 ? positional.get(1) : "node-agent/target/node-agent-0.1.0-SNAPSHOT.jar";
		Path dir = Files.createTempDirectory("stevedore-bench");
		System.out.println("work directory: " + dir);
		Docker.removeContainers(RuntimeLabels.NODE, NODE);
		List<String> table = new ArrayList<>();
		try (TestCluster cluster = TestCluster.start(dir); KubernetesClient client = cluster.client()) {
			Process agent = startAgent(cluster.url(), dir, jar);
			try {
				waitForNode(client);
				// Warm-up: the first pod pays for class loading and JIT on both sides.
				measure(client, "warmup-", 3, 0, agent);
				client.pods().inNamespace("default").delete();
				awaitNoPods(client);
				for (String size : counts) {
					for (String rate : rates) {
						int count = Integer.parseInt(size.strip());
						double perSecond = rate.strip().equals("burst") ? 0 : Double.parseDouble(rate.strip());
						Batch batch = measure(client, "bench" + count + "-", count, perSecond, agent);
						table.add(report(batch, agent));
						client.pods().inNamespace("default").delete();
						awaitNoPods(client);
					}
				}
			}
			finally {
				// An agent still running after the program (its shutdown can outlast 30 s
				// once the apiserver is gone) would take the next run's containers,
				// labelled
				// with the same node, for orphans and remove them.
				agent.destroy();
				if (!agent.waitFor(30, TimeUnit.SECONDS)) {
					agent.destroyForcibly();
					agent.waitFor(30, TimeUnit.SECONDS);
				}
				Docker.removeContainers(RuntimeLabels.NODE, NODE);
			}
		}
		System.out.println();
		System.out.println("| pods | created | to Running p50 / p90 / p99 / max | to Ready p99 | Running pods/s "
				+ "| CPU per pod: agent / engine / apiserver+client | load (1 min) | agent RSS |");
		System.out.println("|---|---|---|---|---|---|---|---|");
		table.forEach(System.out::println);
		System.exit(0);
	}

	/** One batch's outcome: sorted latencies in ms, and what it cost. */
	private record Batch(int count, double rate, List<Long> toRunning, List<Long> toReady, long wallMs,
			long lastRunningMs, boolean allReady, long agentCpuMs, long engineCpuMs, long ownCpuMs) {
	}

	/**
	 * Creates {@code count} pods, at once when {@code rate} is 0, else {@code rate} per
	 * second, and times each to Running (phase Running seen through the watch) and to
	 * Ready (condition Ready=True; the same status write when no readiness probe).
	 */
	private static Batch measure(KubernetesClient client, String prefix, int count, double rate, Process agent)
			throws Exception {
		Map<String, Long> created = new ConcurrentHashMap<>();
		Map<String, Long> runningAt = new ConcurrentHashMap<>();
		List<Long> toRunning = Collections.synchronizedList(new ArrayList<>());
		List<Long> toReady = Collections.synchronizedList(new ArrayList<>());
		CountDownLatch ready = new CountDownLatch(count);
		var watch = client.pods().inNamespace("default").watch(new Watcher<Pod>() {
			@Override
			public void eventReceived(Action action, Pod pod) {
				String name = pod.getMetadata().getName();
				Long start = created.get(name);
				if (start == null || pod.getStatus() == null) {
					return;
				}
				long now = System.nanoTime();
				long ms = (now - start) / 1_000_000;
				if ("Running".equals(pod.getStatus().getPhase()) && runningAt.putIfAbsent(name, now) == null) {
					toRunning.add(ms);
				}
				if (pod.getStatus().getConditions() != null
						&& pod.getStatus()
							.getConditions()
							.stream()
							.anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
						&& created.remove(name) != null) {
					toReady.add(ms);
					ready.countDown();
				}
			}

			@Override
			public void onClose(WatcherException cause) {
			}
		});
		Map<Long, Long> engineBefore = EngineCpu.ticks();
		long agentBefore = EngineCpu.processTicks(agent.pid());
		long ownBefore = ownCpuNanos();
		long begin = System.nanoTime();
		List<Thread> creates = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String name = prefix + i;
			if (rate > 0) {
				// Uniform pacing against the schedule, not after the previous create: a
				// slow create is not made up for by a longer gap.
				long due = begin + (long) (i * 1_000_000_000L / rate);
				long wait = due - System.nanoTime();
				if (wait > 0) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				created.put(name, System.nanoTime());
				creates
					.add(Thread.ofVirtual().start(() -> client.pods().resource(TestPods.sleeper(name, NODE)).create()));
			}
			else {
				created.put(name, System.nanoTime());
				client.pods().resource(TestPods.sleeper(name, NODE)).create();
			}
		}
		for (Thread thread : creates) {
			thread.join();
		}
		boolean all = ready.await(10, TimeUnit.MINUTES);
		long total = (System.nanoTime() - begin) / 1_000_000;
		long agentCpu = (EngineCpu.processTicks(agent.pid()) - agentBefore) * 1000 / TICKS_PER_SECOND;
		long engineCpu = EngineCpu.delta(engineBefore, EngineCpu.ticks()) * 1000 / TICKS_PER_SECOND;
		long ownCpu = (ownCpuNanos() - ownBefore) / 1_000_000;
		watch.close();
		long lastRunning = runningAt.values().stream().mapToLong(t -> (t - begin) / 1_000_000).max().orElse(-1);
		List<Long> running = new ArrayList<>(toRunning);
		List<Long> readyMs = new ArrayList<>(toReady);
		Collections.sort(running);
		Collections.sort(readyMs);
		System.out.printf("%spods=%d ready=%d allReady=%s wallMs=%d%n", prefix, count, readyMs.size(), all, total);
		return new Batch(count, rate, running, readyMs, total, lastRunning, all, agentCpu, engineCpu, ownCpu);
	}

	/** Prints the batch and returns its row of the final table. */
	private static String report(Batch batch, Process agent) throws Exception {
		String mode = batch.rate() > 0 ? String.format("%.1f/s", batch.rate()) : "at once";
		String load = Files.readString(Path.of("/proc/loadavg")).strip();
		for (int i = 0; i < 2; i++) {
			List<Long> sorted = i == 0 ? batch.toRunning() : batch.toReady();
			System.out.printf("pods=%d created %s to %s ms: p50=%d p90=%d p99=%d max=%d (load %s)%n", batch.count(),
					mode, i == 0 ? "Running" : "Ready", percentile(sorted, 50), percentile(sorted, 90),
					percentile(sorted, 99), max(sorted), load);
		}
		double throughput = batch.lastRunningMs() > 0 ? batch.toRunning().size() * 1000.0 / batch.lastRunningMs() : 0;
		int pods = Math.max(1, batch.toRunning().size());
		System.out.printf(
				"pods=%d created %s: Running throughput %.2f pods/s (last Running at %d ms); CPU per pod: agent %d ms, "
						+ "engine %d ms, apiserver+client %d ms%n",
				batch.count(), mode, throughput, batch.lastRunningMs(), batch.agentCpuMs() / pods,
				batch.engineCpuMs() / pods, batch.ownCpuMs() / pods);
		Thread.sleep(5000);
		long rss = rssKib(agent.pid()) / 1024;
		System.out.printf("agent RSS with %d pods: %d MiB (JVM options: %s)%n", batch.toReady().size(), rss,
				System.getProperty("agent.jvmOptions", "default"));
		List<Long> r = batch.toRunning();
		return String.format("| %d%s | %s | %s / %s / %s / %s s | %s s | %.1f | %d / %d / %d ms | %s | %d MiB |",
				batch.count(), batch.allReady() ? "" : " (not all ready)", mode, seconds(percentile(r, 50)),
				seconds(percentile(r, 90)), seconds(percentile(r, 99)), seconds(max(r)),
				seconds(percentile(batch.toReady(), 99)), throughput, batch.agentCpuMs() / pods,
				batch.engineCpuMs() / pods, batch.ownCpuMs() / pods, load.split(" ")[0], rss);
	}

	private static String seconds(long ms) {
		return String.format("%.2f", ms / 1000.0);
	}

	private static long max(List<Long> sorted) {
		return sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1);
	}

	private static long ownCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	private static long percentile(List<Long> sorted, int p) {
		if (sorted.isEmpty()) {
			return -1;
		}
		int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

	private static long rssKib(long pid) throws Exception {
		for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		return -1;
	}

	private static Process startAgent(String url, Path dir, String jar) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java));
		String options = System.getProperty("agent.jvmOptions", "").strip();
		if (!options.isEmpty()) {
			command.addAll(List.of(options.split("\\s+")));
		}
		command.addAll(List.of("-jar", jar, "--server.port=0", "--stevedore.apiserver.url=" + url,
				"--stevedore.node.name=" + NODE, "--stevedore.node.address=127.0.0.1",
				"--stevedore.node.root-dir=" + dir.resolve("node"),
				"--stevedore.node.sandbox-image=" + io.stevedore.testsupport.docker.TestImages.BUSYBOX,
				"--stevedore.node.relist-period=500ms", "--logging.level.root=WARN"));
		String extra = System.getProperty("agent.args", "").strip();
		if (!extra.isEmpty()) {
			command.addAll(List.of(extra.split("\\s+")));
		}
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(new File(dir.resolve("agent.log").toString()))
			.start();
	}

	private static void awaitNoPods(KubernetesClient client) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
		while (!client.pods().inNamespace("default").list().getItems().isEmpty()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("pods still there 5 minutes after the delete");
			}
			Thread.sleep(500);
		}
	}

	private static void waitForNode(KubernetesClient client) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			if (client.nodes().withName(NODE).get() != null) {
				return;
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("the agent did not register " + NODE + " within 60s");
	}

}
