package io.stevedore.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue #3's hollow-node figure: one simulated-runtime process (the node-agent jar with
 * {@code stevedore.node.simulated.nodes=N}) holding N nodes with P pods each keeps every
 * Lease on time within a 1 GiB heap. The apiserver (embedded store) runs as its own
 * process, the host as another with {@code -Xmx} (a real limit: the JVM fails rather than
 * grows), this JVM watches and creates on loopback.
 * <p>
 * Phases: (0) the host starts, until every node is Ready; (1) N×P pods pre-bound
 * ({@code spec.nodeName} set, round robin over the nodes) created at a steady rate, until
 * the watch has shown each Running; (2) a steady hold. Throughout, every node Lease is
 * watched: per node, the gaps between successive renewTime values (what the node wrote)
 * and between the watch events that carried them (what a watcher saw). Printed per phase:
 * gap p50/p99/max, gaps above twice the renew interval, gaps above the Lease duration
 * (expired); then the host's heap after a full GC (jcmd GC.run, GC.heap_info), its RSS,
 * CPU seconds per phase of host and apiserver, and the load average.
 * <p>
 * Arguments: {@code nodes podsPerNode}, default 1000 30. System properties:
 * {@code bench.renewInterval} (2s) and {@code bench.leaseDuration} (40s) for the host,
 * {@code bench.createRate} pods/s (200), {@code bench.steadySeconds} (180),
 * {@code bench.hostHeap} (1g), {@code bench.hostJvm} and {@code bench.hostArgs} (more
 * options and settings for the host), {@code bench.root} (the repository, "."),
 * {@code bench.timeoutSeconds} per phase (900). Build first:
 * {@code ./mvnw -q -B -DskipTests install -pl apiserver-service,node-agent,benchmarks -am};
 * run
 * {@code java -cp benchmarks/target/classes:<dependencies> io.stevedore.benchmarks.HollowNodesBenchmark 1000 30}.
 * Never run in CI.
 */
public final class HollowNodesBenchmark {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("bench.timeoutSeconds", 900));

	private static final String PREFIX = "hollow";

	private HollowNodesBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
		int perNode = args.length > 1 ? Integer.parseInt(args[1]) : 30;
		Duration renew = Duration.parse("PT" + System.getProperty("bench.renewInterval", "2s"));
		Duration duration = Duration.parse("PT" + System.getProperty("bench.leaseDuration", "40s"));
		int rate = Integer.getInteger("bench.createRate", 200);
		int steady = Integer.getInteger("bench.steadySeconds", 180);
		String heap = System.getProperty("bench.hostHeap", "1g");
		Path root = Path.of(System.getProperty("bench.root", "."));
		Path work = Files.createTempDirectory("stevedore-hollowbench");
		System.out.printf("%s; load before %s; work %s%n", Machine.line(), Machine.loadAverage(), work);
		System.out.printf("nodes=%d pods/node=%d renew=%s leaseDuration=%s createRate=%d/s steady=%ds hostHeap=%s%n",
				nodes, perNode, renew, duration, rate, steady, heap);
		try (ApiServerProcess apiserver = ApiServerProcess.start(
				root.resolve("apiserver-service/target/apiserver-service-0.1.0-SNAPSHOT-exec.jar"), null,
				work.resolve("data"), List.of("-Xmx3g"), work.resolve("apiserver.log"))) {
			String api = "http://127.0.0.1:" + apiserver.port();
			LeaseGaps gaps = new LeaseGaps(3);
			ObjectStream.start("leases", api + "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
					gaps::seen);
			Set<String> running = ConcurrentHashMap.newKeySet();
			ObjectStream.start("pods", api + "/api/v1/namespaces/default/pods", a -> {
				if ("Running".equals(a.object().path("status").path("phase").asText())) {
					running.add(a.object().path("metadata").path("name").asText());
				}
			});
			long hostStart = System.nanoTime();
			HollowHost host = HollowHost.start(root, api, PREFIX, nodes, renew, duration, List.of(), work);
			Runtime.getRuntime().addShutdownHook(new Thread(host::destroy));
			try {
				host.awaitReady(nodes, TIMEOUT);
				double registerSeconds = (System.nanoTime() - hostStart) / 1e9;
				long hostCpu0 = Machine.cpuTicks(host.pid());
				long apiCpu0 = Machine.cpuTicks(apiserver.pid());
				System.out.printf("phase 0: %d nodes Ready %.1f s after the host's JVM started (load %s); %s%n", nodes,
						registerSeconds, Machine.loadAverage1(), gaps.report(0, renew.toMillis(), duration.toMillis()));

				gaps.phase(1);
				long podsStart = System.nanoTime();
				int failed = createPods(api, nodes, perNode, rate);
				double createSeconds = (System.nanoTime() - podsStart) / 1e9;
				awaitCount("Running pods", running::size, nodes * perNode - failed, host);
				double runningSeconds = (System.nanoTime() - podsStart) / 1e9;
				long hostCpu1 = Machine.cpuTicks(host.pid());
				long apiCpu1 = Machine.cpuTicks(apiserver.pid());
				System.out.printf(
						"phase 1: %d pods created in %.1f s (%d failed), all Running %.1f s after the first create "
								+ "(load %s); host CPU %.1f s, apiserver CPU %.1f s; %s%n",
						nodes * perNode, createSeconds, failed, runningSeconds, Machine.loadAverage1(),
						(hostCpu1 - hostCpu0) / 100.0, (apiCpu1 - apiCpu0) / 100.0,
						gaps.report(1, renew.toMillis(), duration.toMillis()));

				gaps.phase(2);
				Thread.sleep(steady * 1000L);
				long hostCpu2 = Machine.cpuTicks(host.pid());
				long apiCpu2 = Machine.cpuTicks(apiserver.pid());
				System.out.printf(
						"phase 2: %d s steady with %d pods (load %s); host CPU %.1f s (%.2f cores), apiserver CPU %.1f s "
								+ "(%.2f cores); %s; leases seen %d, stale now %d%n",
						steady, running.size(), Machine.loadAverage(), (hostCpu2 - hostCpu1) / 100.0,
						(hostCpu2 - hostCpu1) / 100.0 / steady, (apiCpu2 - apiCpu1) / 100.0,
						(apiCpu2 - apiCpu1) / 100.0 / steady, gaps.report(2, renew.toMillis(), duration.toMillis()),
						gaps.leases(), gaps.staleNow(duration.toMillis()));
				System.out.printf("host: heap after full GC %s, RSS %d MiB, CPU total %.1f s; apiserver RSS %d MiB%n",
						heapAfterGc(host.pid()), host.residentBytes() / (1024 * 1024), hostCpu2 / 100.0,
						apiserver.residentBytes() / (1024 * 1024));
				for (String line : host.logSummary()) {
					System.out.println("host log: " + line);
				}
			}
			finally {
				host.close();
			}
		}
		System.exit(0);
	}

	/**
	 * Pod k on node k mod N, at {@code rate} a second; returns how many failed for good.
	 */
	private static int createPods(String api, int nodes, int perNode, int rate) throws InterruptedException {
		AtomicInteger failed = new AtomicInteger();
		long interval = 1_000_000_000L / rate;
		long start = System.nanoTime();
		URI uri = URI.create(api + "/api/v1/namespaces/default/pods");
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int k = 0; k < nodes * perNode; k++) {
				long wait = start + k * interval - System.nanoTime();
				if (wait > 0) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				String body = String.format(
						"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p-%d-%d\"},"
								+ "\"spec\":{\"nodeName\":\"%s-%d\",\"containers\":[{\"name\":\"c\","
								+ "\"image\":\"registry.k8s.io/pause:3.10\"}]}}",
						k % nodes, k / nodes, PREFIX, k % nodes);
				pool.execute(() -> {
					for (int attempt = 0; attempt < 6; attempt++) {
						try {
							HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri)
								.header("Content-Type", "application/json")
								.POST(HttpRequest.BodyPublishers.ofString(body))
								.build(), HttpResponse.BodyHandlers.ofString());
							if (response.statusCode() == 201 || response.statusCode() == 409) {
								return;
							}
						}
						catch (IOException ex) {
							// retried below
						}
						catch (InterruptedException ex) {
							return;
						}
						try {
							Thread.sleep(200L << attempt);
						}
						catch (InterruptedException ex) {
							return;
						}
					}
					failed.incrementAndGet();
				});
			}
		}
		return failed.get();
	}

	private static void awaitCount(String what, java.util.function.IntSupplier count, int target, HollowHost host)
			throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		long lastPrint = System.nanoTime();
		while (count.getAsInt() < target) {
			if (!host.isAlive()) {
				throw new IllegalStateException("the hollow host exited; see host.log");
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(what + ": " + count.getAsInt() + " of " + target + " after " + TIMEOUT);
			}
			if (System.nanoTime() - lastPrint > 30_000_000_000L) {
				System.out.printf("  %s: %d of %d%n", what, count.getAsInt(), target);
				lastPrint = System.nanoTime();
			}
			Thread.sleep(100);
		}
	}

	/** "used N MiB of M MiB", from jcmd on the host after a full collection. */
	private static String heapAfterGc(long pid) throws IOException, InterruptedException {
		String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
		run(jcmd, Long.toString(pid), "GC.run");
		String info = run(jcmd, Long.toString(pid), "GC.heap_info");
		Matcher used = Pattern.compile("committed (\\d+)K, used (\\d+)K").matcher(info);
		if (!used.find()) {
			return "unknown (" + info.strip().replace('\n', ' ') + ")";
		}
		return String.format("%d MiB used of %d MiB committed", Long.parseLong(used.group(2)) / 1024,
				Long.parseLong(used.group(1)) / 1024);
	}

	private static String run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes());
		process.waitFor(60, TimeUnit.SECONDS);
		return out;
	}

}
