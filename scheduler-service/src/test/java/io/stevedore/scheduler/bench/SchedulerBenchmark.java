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
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.scheduler.support.ControlPlane;

/**
 * Like Kubernetes' scheduler_perf: the real apiserver (embedded store) and the scheduler
 * in this JVM, N fake nodes (plain Node objects with capacity, created through the API,
 * no agent) and M pods created through the API; measures pods/s from the first creation
 * to the last bind, and the latency of each pod from its create request to the moment a
 * watch sees it bound (p50, p99). Everything goes through the API: creates, binds, events
 * and PodScheduled conditions.
 *
 * <pre>
 * ./mvnw -o -pl scheduler-service test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.stevedore.scheduler.bench.SchedulerBenchmark -Dexec.args="500 2000 basic"
 * </pre>
 *
 * The third argument is {@code basic} or {@code affinity} (every pod has preferred
 * anti-affinity by hostname and a ScheduleAnyway zone spread, over 10 zones).
 */
public final class SchedulerBenchmark {

	private static final int CLIENT_PARALLELISM = 32;

	private SchedulerBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
		int pods = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
		boolean affinity = args.length > 2 && "affinity".equals(args[2]);
		Path data = Files.createTempDirectory("scheduler-bench");
		try (ControlPlane plane = ControlPlane.start(data);
				KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
					.withConfig(
							new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
								.withMasterUrl(plane.url())
								.withMaxConcurrentRequestsPerHost(CLIENT_PARALLELISM)
								.build())
					.build()) {
			var scheduler = plane.startScheduler("bench", "--stevedore.scheduler.leader-election.enabled=false");
			ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
			Semaphore permits = new Semaphore(CLIENT_PARALLELISM);

			long nodesStart = System.nanoTime();
			run(pool, permits, nodes, (i) -> ControlPlane.createNode(client, node(i)));
			System.out.printf("created %d nodes in %.1f s%n", nodes, seconds(System.nanoTime() - nodesStart));
			// Let the scheduler's informer catch up before the clock starts.
			Thread.sleep(2000);

			Map<String, Long> created = new ConcurrentHashMap<>();
			Map<String, Long> bound = new ConcurrentHashMap<>();
			CountDownLatch allBound = new CountDownLatch(pods);
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
				}
			});

			long start = System.nanoTime();
			run(pool, permits, pods, (i) -> {
				Pod pod = pod(i, affinity);
				created.put(pod.getMetadata().getName(), System.nanoTime());
				client.pods().inNamespace("default").resource(pod).create();
			});
			long createdAll = System.nanoTime();
			boolean done = allBound.await(10, TimeUnit.MINUTES);
			long end = bound.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
			watch.close();

			long[] latencies = created.entrySet()
				.stream()
				.filter((e) -> bound.containsKey(e.getKey()))
				.mapToLong((e) -> bound.get(e.getKey()) - e.getValue())
				.sorted()
				.toArray();
			System.out.printf("workload=%s nodes=%d pods=%d bound=%d complete=%s%n", affinity ? "affinity" : "basic",
					nodes, pods, bound.size(), done);
			System.out.printf("creates: %.0f pods/s (%.1f s)%n", pods / seconds(createdAll - start),
					seconds(createdAll - start));
			System.out.printf("throughput (first create to last bind): %.0f pods/s over %.1f s%n",
					bound.size() / seconds(end - start), seconds(end - start));
			System.out.printf("latency create->bound: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
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
			Runtime runtime = Runtime.getRuntime();
			System.gc();
			System.out.printf("heap used after run (apiserver + scheduler in one JVM): %d MiB%n",
					(runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024));
			pool.shutdown();
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
		String name = "node-" + i;
		return new NodeBuilder().withNewMetadata()
			.withName(name)
			.addToLabels("kubernetes.io/hostname", name)
			.addToLabels("topology.kubernetes.io/zone", "zone-" + (i % 10))
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
		return Map.of("cpu", new Quantity("32"), "memory", new Quantity("256Gi"), "pods", new Quantity("110"),
				"ephemeral-storage", new Quantity("500Gi"));
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
