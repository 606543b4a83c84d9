package io.stevedore.scheduler.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.scheduler.support.ControlPlane;

/**
 * Like Kubernetes' scheduler_perf: the real apiserver (embedded store) and the scheduler
 * in this JVM, N nodes and M pods created through the API; measures pods/s from the first
 * creation to the last bind, and the latency of each pod from its create request to the
 * moment a watch sees it bound (p50, p99). Everything goes through the API: creates,
 * binds, events and PodScheduled conditions.
 * <p>
 * The nodes are hollow by default, as kubemark's: one node-agent process on the simulated
 * runtime running N nodes ({@link HollowNodes}, a JVM of its own with its own heap),
 * which register (32 cpu, 256Gi, 110 pods, label {@code type=simulated}), renew their
 * Leases and start every pod bound to them, so the apiserver in this JVM serves their
 * heartbeats and the pods' status writes while the scheduler runs; the run then also
 * reports when every pod was Running and the host's CPU per pod. {@code plain} nodes are
 * Node objects with the same capacity and no agent (no heartbeats, bound pods never run):
 * the scheduler and apiserver alone. Either way every node gets a
 * {@code topology.kubernetes.io/zone} label (10 zones). Command (build the node-agent jar
 * first: {@code ./mvnw -q -B -o -DskipTests install -pl node-agent -am}):
 *
 * <pre>
 * ./mvnw -q -o -pl scheduler-service test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * cd scheduler-service &amp;&amp; $JAVA_HOME/bin/java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) \
 *   io.stevedore.scheduler.bench.SchedulerBenchmark 1000 5000 basic precreated embedded hollow
 * </pre>
 *
 * Arguments: nodes, pods, workload, mode, store, node source.
 * <ul>
 * <li>workload: {@code basic} or {@code affinity} (every pod has preferred anti-affinity
 * by hostname and a ScheduleAnyway zone spread, over 10 zones).</li>
 * <li>mode: {@code live} (the scheduler runs while the pods are created: the figure
 * includes the creates, which are reported separately because when they are slower than
 * scheduling they are what is measured) or {@code precreated} (as scheduler_perf: all
 * pods are created first with no scheduler running, then the scheduler starts and the
 * pure scheduling throughput is measured).</li>
 * <li>store: {@code embedded} (default), {@code redis} (starts a redis-server on a free
 * loopback port; the store turns on {@code appendonly yes} + {@code appendfsync always}
 * there, as on any Redis, so every write waits for an fsync as on the embedded store) or
 * a {@code redis://host:port} URL.</li>
 * <li>node source: {@code hollow} (default; see above, and {@link HollowNodes} for the
 * host's settings) or {@code plain} (Node objects, no agent: pure-scheduler figures, as
 * every run before 2026-12-06).</li>
 * </ul>
 * Every phase is capped by {@code -Dbench.timeoutSeconds} (default 480). Never run in CI
 * (not a *Test or *IT).
 */
public final class SchedulerBenchmark {

	private static final int CLIENT_PARALLELISM = 32;

	/** Nodes are {@code node-0} … whichever their source. */
	private static final String NODE_PREFIX = "node";

	/**
	 * Each node's cpu capacity (memory 256Gi, 110 pods): the same for both sources, so
	 * the scores are the same.
	 */
	private static final int CPUS = 32;

	private SchedulerBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
		int pods = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
		boolean affinity = args.length > 2 && "affinity".equals(args[2]);
		boolean precreated = args.length > 3 && "precreated".equals(args[3]);
		String store = args.length > 4 ? args[4] : "embedded";
		boolean hollow = args.length <= 5 || !"plain".equals(args[5]);
		long timeoutSeconds = Long.getLong("bench.timeoutSeconds", 480);
		Path data = Files.createTempDirectory("scheduler-bench");
		try (RedisProcess redis = "redis".equals(store) ? RedisProcess.start(data) : null;
				ControlPlane plane = ControlPlane.start(data,
						(redis != null) ? redis.url() : store.startsWith("redis://") ? store : "");
				HollowNodes host = hollow
						? HollowNodes.start(plane.url(), NODE_PREFIX, nodes,
								List.of("--stevedore.node.simulated.cpus=" + CPUS,
										"--stevedore.node.simulated.memory=256GB"),
								data)
						: null;
				KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
					.withConfig(
							new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
								.withMasterUrl(plane.url())
								.withMaxConcurrentRequestsPerHost(CLIENT_PARALLELISM)
								.build())
					.build()) {
			ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
			Semaphore permits = new Semaphore(CLIENT_PARALLELISM);

			long nodesStart = System.nanoTime();
			if (host != null) {
				host.awaitReady(client, nodes, Duration.ofSeconds(timeoutSeconds));
			}
			else {
				run(pool, permits, nodes, (i) -> ControlPlane.createNode(client, node(i)));
			}
			double nodeSeconds = seconds(System.nanoTime() - nodesStart);
			// The affinity workload spreads over zones; hollow nodes have none.
			run(pool, permits, nodes, (i) -> client.nodes()
				.withName(NODE_PREFIX + "-" + i)
				.patch(PatchContext.of(PatchType.JSON_MERGE),
						"{\"metadata\":{\"labels\":{\"topology.kubernetes.io/zone\":\"zone-" + (i % 10) + "\"}}}"));
			if (host != null) {
				System.out.printf(
						"nodes: %d hollow (one node-agent process, simulated runtime: heartbeats, bound pods started), "
								+ "all Ready %.1f s after the host started; %d of the %d Nodes labelled type=simulated%n",
						nodes, nodeSeconds,
						client.nodes().withLabel(HollowNodes.LABEL, HollowNodes.LABEL_VALUE).list().getItems().size(),
						client.nodes().list().getItems().size());
			}
			else {
				System.out.printf(
						"nodes: %d plain Node objects (no agent: no heartbeats, bound pods never run), created in %.1f s%n",
						nodes, nodeSeconds);
			}
			var scheduler = precreated ? null : startScheduler(plane);
			// Let the scheduler's informer catch up before the clock starts.
			Thread.sleep(2000);

			Map<String, Long> created = new ConcurrentHashMap<>();
			Map<String, Long> bound = new ConcurrentHashMap<>();
			CountDownLatch allBound = new CountDownLatch(pods);
			Map<String, Long> running = new ConcurrentHashMap<>();
			CountDownLatch allRunning = new CountDownLatch(pods);
			SharedIndexInformer<Pod> watch = client.pods().inNamespace("default").inform(new ResourceEventHandler<>() {
				@Override
				public void onAdd(Pod pod) {
					seen(pod);
				}

				@Override
				public void onUpdate(Pod oldPod, Pod newPod) {
					seen(newPod);
				}

				@Override
				public void onDelete(Pod pod, boolean unknown) {
				}

				private void seen(Pod pod) {
					if (pod.getSpec().getNodeName() != null
							&& bound.putIfAbsent(pod.getMetadata().getName(), System.nanoTime()) == null) {
						allBound.countDown();
					}
					if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
							&& running.putIfAbsent(pod.getMetadata().getName(), System.nanoTime()) == null) {
						allRunning.countDown();
					}
				}
			});

			long start = System.nanoTime();
			run(pool, permits, pods, (i) -> {
				Pod pod = pod(i, affinity);
				created.put(pod.getMetadata().getName(), System.nanoTime());
				client.pods().inNamespace("default").resource(pod).create();
			});
			long createdAll = System.nanoTime();
			long scheduleStart = start;
			long cpuStart = processCpuNanos();
			long redisCpuStart = (redis != null) ? redis.cpuNanos() : 0;
			long hostCpuStart = (host != null) ? ProcStats.cpuNanos(host.pid()) : 0;
			if (precreated) {
				// Pure scheduling: every pod is in the store; the clock runs from the
				// scheduler's start (its context, initial list and the first cycle
				// included).
				scheduleStart = System.nanoTime();
				scheduler = startScheduler(plane);
				System.out.printf("scheduler started in %.1f s%n", seconds(System.nanoTime() - scheduleStart));
			}
			boolean done = allBound.await(timeoutSeconds, TimeUnit.SECONDS);
			long cpuScheduling = processCpuNanos() - cpuStart;
			long redisCpuScheduling = (redis != null) ? redis.cpuNanos() - redisCpuStart : 0;
			long hostCpuScheduling = (host != null) ? ProcStats.cpuNanos(host.pid()) - hostCpuStart : 0;
			double loadAverage = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
				.getSystemLoadAverage();
			long end = bound.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
			long firstBind = bound.values().stream().mapToLong(Long::longValue).min().orElse(end);
			boolean allStarted = false;
			if (host != null) {
				// The pods the scheduler bound are started by the host: what a run with
				// nodes that work costs after the last bind.
				allStarted = allRunning.await(timeoutSeconds, TimeUnit.SECONDS);
			}
			long hostCpuRunning = (host != null) ? ProcStats.cpuNanos(host.pid()) - hostCpuStart : 0;
			watch.close();

			long[] latencies = created.entrySet()
				.stream()
				.filter((e) -> bound.containsKey(e.getKey()))
				.mapToLong((e) -> bound.get(e.getKey()) - e.getValue())
				.sorted()
				.toArray();
			System.out.printf("workload=%s mode=%s store=%s nodes=%d (%s) pods=%d bound=%d complete=%s%n",
					affinity ? "affinity" : "basic", precreated ? "precreated" : "live",
					(redis != null) ? redis.url() : store, nodes, (host != null) ? "hollow" : "plain", pods,
					bound.size(), done);
			System.out.printf("creates alone: %.0f pods/s (%.1f s)%n", pods / seconds(createdAll - start),
					seconds(createdAll - start));
			if (precreated) {
				System.out.printf(
						"pure scheduling throughput (scheduler start to last bind): %.0f pods/s over %.1f s%n",
						bound.size() / seconds(end - scheduleStart), seconds(end - scheduleStart));
				System.out.printf("pure scheduling throughput (first bind to last bind): %.0f pods/s over %.1f s%n",
						bound.size() / seconds(end - firstBind), seconds(end - firstBind));
			}
			else {
				System.out.printf(
						"throughput everything included (first create to last bind): %.0f pods/s over %.1f s%n",
						bound.size() / seconds(end - start), seconds(end - start));
			}
			System.out.printf("latency create->bound%s: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
					precreated ? " (includes the wait for the scheduler to start)" : "",
					millis(percentile(latencies, 50)), millis(percentile(latencies, 90)),
					millis(percentile(latencies, 99)), millis(percentile(latencies, 100)));

			var cycles = scheduler.getBean(io.micrometer.core.instrument.MeterRegistry.class)
				.find("scheduler_scheduling_attempt_duration")
				.timer();
			if (cycles != null) {
				System.out.printf(
						"scheduling cycle alone (filter+score+assume): %d cycles, mean %.2f ms, max %.1f ms%n",
						cycles.count(), cycles.mean(TimeUnit.MILLISECONDS), cycles.max(TimeUnit.MILLISECONDS));
			}
			if (precreated && !bound.isEmpty()) {
				// All the work of scheduling (loop, binds, events, watches, store) on
				// this
				// machine's cores, per pod: what decides pods/s once the cores are full.
				System.out.printf(
						"CPU from scheduler start to last bind: this JVM %.0f us per bound pod%s%s (load average %.1f)%n",
						cpuScheduling / 1e3 / bound.size(),
						(redis != null)
								? String.format(", redis-server %.0f us", redisCpuScheduling / 1e3 / bound.size()) : "",
						(host != null)
								? String.format(", hollow-node host %.0f us", hostCpuScheduling / 1e3 / bound.size())
								: "",
						loadAverage);
			}
			if (host != null) {
				long lastRunning = running.values().stream().mapToLong(Long::longValue).max().orElse(end);
				System.out
					.printf("hollow nodes: %d of %d pods Running (complete=%s), the last %.1f s after the last bind; "
							+ "host CPU from scheduler start to the last Running %.0f us per pod; host RSS %s; %s%n",
							running.size(), pods, allStarted, seconds(lastRunning - end),
							hostCpuRunning / 1e3 / Math.max(1, running.size()),
							ProcStats.rss(Long.toString(host.pid())), host.logSummary());
				// Nothing writes to the apiserver from here on: the heap figures below
				// are the apiserver's and scheduler's alone, as with plain nodes.
				host.close();
			}
			long loopCpu = loopThreadCpuNanos();
			if (loopCpu >= 0) {
				// CPU time, not wall time: what the loop itself costs per pod, whatever
				// else
				// the loaded cores run.
				System.out.printf("scheduler-loop thread CPU: %.0f ms, %.0f us per bound pod%n", loopCpu / 1e6,
						bound.isEmpty() ? 0.0 : loopCpu / 1e3 / bound.size());
			}
			Runtime runtime = Runtime.getRuntime();
			System.gc();
			long withScheduler = runtime.totalMemory() - runtime.freeMemory();
			System.out.printf("heap used after run and a GC (apiserver + scheduler in one JVM): %d MiB, RSS %s%n",
					withScheduler / (1024 * 1024), ProcStats.rss("self"));
			// The scheduler's own memory: what a GC frees once its context (informer
			// caches,
			// node cache, queues, framework) is closed, the apiserver and its store
			// staying.
			scheduler.close();
			System.gc();
			System.gc();
			long withoutScheduler = runtime.totalMemory() - runtime.freeMemory();
			System.out.printf("scheduler's own heap (freed when its context closes): %d MiB%n",
					(withScheduler - withoutScheduler) / (1024 * 1024));
			pool.shutdown();
		}
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	/** The scheduling thread's CPU time so far; -1 if it is gone or not measurable. */
	private static long loopThreadCpuNanos() {
		java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if ("scheduler-loop".equals(thread.getName())) {
				return threads.getThreadCpuTime(thread.threadId());
			}
		}
		return -1;
	}

	private static org.springframework.context.ConfigurableApplicationContext startScheduler(ControlPlane plane) {
		return plane.startScheduler("bench", "--stevedore.scheduler.leader-election.enabled=false");
	}

	/**
	 * A real redis-server on a free loopback port, data in the run's directory, stopped
	 * with the run.
	 */
	private record RedisProcess(Process process, int port) implements AutoCloseable {

		static RedisProcess start(Path dir) throws Exception {
			int port = ControlPlane.freePort();
			Process process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
					"--dir", dir.toString(), "--save", "", "--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(dir.resolve("redis.log").toFile())
				.start();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (System.nanoTime() < deadline) {
				try (var socket = new java.net.Socket("127.0.0.1", port)) {
					return new RedisProcess(process, port);
				}
				catch (java.io.IOException notYet) {
					Thread.sleep(50);
				}
			}
			process.destroy();
			throw new IllegalStateException("redis-server did not start on " + port);
		}

		String url() {
			return "redis://127.0.0.1:" + this.port;
		}

		/**
		 * The server's CPU time so far (user + system, from /proc at 100 ticks per
		 * second); 0 where there is no /proc.
		 */
		long cpuNanos() {
			return ProcStats.cpuNanos(this.process.pid());
		}

		@Override
		public void close() throws Exception {
			this.process.destroy();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}

	}

	private interface Task {

		void run(int index) throws Exception;

	}

	private static void run(ExecutorService pool, Semaphore permits, int count, Task task) throws Exception {
		List<java.util.concurrent.Future<?>> futures = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			permits.acquire();
			int index = i;
			futures.add(pool.submit(() -> {
				try {
					task.run(index);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
				finally {
					permits.release();
				}
				return null;
			}));
		}
		for (java.util.concurrent.Future<?> future : futures) {
			future.get();
		}
	}

	private static Node node(int i) {
		String name = NODE_PREFIX + "-" + i;
		return new NodeBuilder().withNewMetadata()
			.withName(name)
			.addToLabels("kubernetes.io/hostname", name)
			.endMetadata()
			.withNewSpec()
			.endSpec()
			.withNewStatus()
			.withCapacity(resources())
			.withAllocatable(resources())
			.endStatus()
			.build();
	}

	private static Map<String, Quantity> resources() {
		return Map.of("cpu", new Quantity(Integer.toString(CPUS)), "memory", new Quantity("256Gi"), "pods",
				new Quantity("110"), "ephemeral-storage", new Quantity("500Gi"));
	}

	private static Pod pod(int i, boolean affinity) {
		PodBuilder builder = new PodBuilder().withNewMetadata()
			.withName("pod-" + i)
			.withNamespace("default")
			.addToLabels("app", "bench-" + (i % 50))
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withImage("registry.local/app:1")
			.withNewResources()
			.addToRequests("cpu", new Quantity("100m"))
			.addToRequests("memory", new Quantity("128Mi"))
			.endResources()
			.endContainer()
			.endSpec();
		if (affinity) {
			var selector = new LabelSelectorBuilder().addToMatchLabels("app", "bench-" + (i % 50)).build();
			builder.editSpec()
				.withAffinity(new AffinityBuilder().withNewPodAntiAffinity()
					.withPreferredDuringSchedulingIgnoredDuringExecution(
							new WeightedPodAffinityTermBuilder().withWeight(100)
								.withPodAffinityTerm(new PodAffinityTermBuilder().withLabelSelector(selector)
									.withTopologyKey("kubernetes.io/hostname")
									.build())
								.build())
					.endPodAntiAffinity()
					.build())
				.withTopologySpreadConstraints(new TopologySpreadConstraintBuilder().withMaxSkew(1)
					.withTopologyKey("topology.kubernetes.io/zone")
					.withWhenUnsatisfiable("ScheduleAnyway")
					.withLabelSelector(selector)
					.build())
				.endSpec();
		}
		return builder.build();
	}

	private static long percentile(long[] sorted, int p) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static double seconds(long nanos) {
		return nanos / 1e9;
	}

	private static double millis(long nanos) {
		return nanos / 1e6;
	}

}
