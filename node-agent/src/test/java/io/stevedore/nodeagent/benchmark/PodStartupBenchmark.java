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
 * Pod startup latency on the real Docker engine with the image present: N pods created at
 * once, each timed from its create request to the watch event that shows it Running and
 * Ready (what Kubernetes' pod startup SLO measures). The apiserver runs in this JVM; the
 * agent runs as its own process from the packaged jar, so its RSS is its own.
 * <p>
 * Run:
 * {@code java -cp <test classpath> io.stevedore.nodeagent.benchmark.PodStartupBenchmark [pods] [agent-jar]}
 */
public final class PodStartupBenchmark {

	private static final String NODE = "bench-node";

	private PodStartupBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		// Sizes run one after the other on the same agent, each batch deleted before the
		// next: "1,30,100".
		String[] counts = (args.length > 0 ? args[0] : "100").split(",");
		String jar = args.length > 1 ? args[1] : "node-agent/target/node-agent-0.1.0-SNAPSHOT.jar";
		Path dir = Files.createTempDirectory("stevedore-bench");
		System.out.println("work directory: " + dir);
		Docker.removeContainers(RuntimeLabels.NODE, NODE);
		try (TestCluster cluster = TestCluster.start(dir); KubernetesClient client = cluster.client()) {
			Process agent = startAgent(cluster.url(), dir, jar);
			try {
				waitForNode(client);
				// Warm-up: the first pod pays for class loading and JIT on both sides.
				measure(client, "warmup-", 3);
				client.pods().inNamespace("default").delete();
				awaitNoPods(client);
				for (String size : counts) {
					int count = Integer.parseInt(size.strip());
					report(count, measure(client, "bench" + count + "-", count), agent);
					client.pods().inNamespace("default").delete();
					awaitNoPods(client);
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
		System.exit(0);
	}

	/**
	 * Creates {@code count} pods at once; returns the sorted create-to-Running and
	 * create-to-Ready latencies in ms (Running: phase Running seen through the watch;
	 * Ready: condition Ready=True; the same status write when no readiness probe).
	 */
	private static List<List<Long>> measure(KubernetesClient client, String prefix, int count) throws Exception {
		Map<String, Long> created = new ConcurrentHashMap<>();
		Map<String, Boolean> seenRunning = new ConcurrentHashMap<>();
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
				long ms = (System.nanoTime() - start) / 1_000_000;
				if ("Running".equals(pod.getStatus().getPhase()) && seenRunning.putIfAbsent(name, true) == null) {
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
		long begin = System.nanoTime();
		for (int i = 0; i < count; i++) {
			String name = prefix + i;
			created.put(name, System.nanoTime());
			client.pods().resource(TestPods.sleeper(name, NODE)).create();
		}
		boolean all = ready.await(10, TimeUnit.MINUTES);
		long total = (System.nanoTime() - begin) / 1_000_000;
		watch.close();
		List<Long> running = new ArrayList<>(toRunning);
		List<Long> readyMs = new ArrayList<>(toReady);
		Collections.sort(running);
		Collections.sort(readyMs);
		System.out.printf("%spods=%d ready=%d allReady=%s wallMs=%d%n", prefix, count, readyMs.size(), all, total);
		return List.of(running, readyMs);
	}

	private static void report(int count, List<List<Long>> latencies, Process agent) throws Exception {
		for (int i = 0; i < 2; i++) {
			List<Long> sorted = latencies.get(i);
			System.out.printf("pods=%d to %s ms: p50=%d p90=%d p99=%d max=%d (load %s)%n", count,
					i == 0 ? "Running" : "Ready", percentile(sorted, 50), percentile(sorted, 90),
					percentile(sorted, 99), sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1),
					Files.readString(Path.of("/proc/loadavg")).strip());
		}
		Thread.sleep(5000);
		System.out.printf("agent RSS with %d pods: %d MiB (JVM options: %s)%n", latencies.get(1).size(),
				rssKib(agent.pid()) / 1024, System.getProperty("agent.jvmOptions", "default"));
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
