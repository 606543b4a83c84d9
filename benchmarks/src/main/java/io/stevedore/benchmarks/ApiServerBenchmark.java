package io.stevedore.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.testsupport.redis.RedisServerProcess;

/**
 * The apiserver's figures of issue 2, printed as a Markdown table: create throughput with
 * 32 concurrent clients, GET latency at a fixed 2,000 requests/s, LIST of 10,000 pods,
 * watch fan-out to 100 watchers, and resident memory holding 150,000 pods. Runs the
 * apiserver as a separate process from its runnable jar, on the embedded store and on a
 * real redis-server.
 *
 * <p>
 * Usage: {@code java -cp ... io.stevedore.benchmarks.ApiServerBenchmark [--store
 * embedded|redis|both] [--memory-pods 150000] [--jar PATH]}
 */
public final class ApiServerBenchmark {

	private static final int CLIENTS = 32;

	/** The pod wrk creates: one container, a generated name, nothing else. */
	static final String SMALL_POD = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"generateName\":\"p-\"},"
			+ "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox:1.36\"}]}}";

	private static final int CREATES = 20_000;

	private static final int WARMUP_CREATES = 10_000;

	private static final int GET_RATE = 2_000;

	private static final int GET_SECONDS = 10;

	private static final int LIST_SIZE = 10_000;

	private static final int WATCHERS = 100;

	private static final int WATCHED_WRITES = 10_000;

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final String base;

	private ApiServerBenchmark(int port) {
		this.base = "http://127.0.0.1:" + port;
	}

	public static void main(String[] args) throws Exception {
		String stores = Args.option(args, "--store", "both");
		int memoryPods = Integer.parseInt(Args.option(args, "--memory-pods", "150000"));
		Path jar = Path
			.of(Args.option(args, "--jar", "apiserver-service/target/apiserver-service-0.1.0-SNAPSHOT-exec.jar"));
		List<String> jvmOptions = List.of(Args.option(args, "--jvm", "-Xmx2g -XX:+UseG1GC").split(" "));
		System.out.printf("%s; apiserver JVM options: %s%n", Machine.line(), jvmOptions);
		List<String> rows = new ArrayList<>();
		String jfr = Args.option(args, "--jfr", "");
		List<String> skip = List.of(Args.option(args, "--skip", "").split(","));
		for (String store : stores.equals("both") ? List.of("embedded", "redis") : List.of(stores)) {
			rows.addAll(run(store, jar, memoryPods, jvmOptions, jfr.isEmpty() ? null : Path.of(jfr), skip));
		}
		System.out.println();
		System.out.println("| store | measure | result | target |");
		System.out.println("|---|---|---|---|");
		rows.forEach(System.out::println);
	}

	/**
	 * @param jfr when set, each measured phase (create, bind, get, list) is recorded by
	 * its own JFR recording in this directory, started and stopped with jcmd, so CPU
	 * samples can be counted per phase and per request (Java samples every millisecond:
	 * the default 10 ms gives a few hundred samples per phase)
	 * @param skip phases not to run ({@code wrk}, {@code watch})
	 */
	private static List<String> run(String store, Path jar, int memoryPods, List<String> jvmOptions, Path jfr,
			List<String> skip) throws Exception {
		Path data = Files.createTempDirectory("stevedore-bench-" + store);
		RedisServerProcess redis = store.equals("redis") ? RedisServerProcess.launch() : null;
		try (ApiServerProcess server = ApiServerProcess.start(jar, redis == null ? null : redis.url(), data, jvmOptions,
				data.resolve("apiserver.log"))) {
			System.out.printf("%n== %s store, apiserver pid %d port %d%n", store, server.pid(), server.port());
			ApiServerBenchmark bench = new ApiServerBenchmark(server.port());
			List<String> rows = new ArrayList<>();
			// JIT warm-up, as a long-running apiserver is: these are not measured.
			bench.creates("bench-warmup", WARMUP_CREATES);
			bench.binds("bench-warmup");
			JfrRecording recording = new JfrRecording(server.pid(), jfr, store);
			recording.start("create");
			double creates = bench.creates("bench-create", CREATES);
			recording.stop("create");
			rows.add(row(store, "create pods, " + CLIENTS + " clients (Java HttpClient)",
					String.format("%.0f creates/s", creates), ">= 5,000/s"));
			recording.start("bind");
			double binds = bench.binds("bench-create");
			recording.stop("bind");
			rows.add(row(store, "bind pods (pods/binding), " + CLIENTS + " clients (Java HttpClient)",
					String.format("%.0f binds/s", binds), "-"));
			Double wrk = skip.contains("wrk") ? null : bench.wrkCreates("bench-wrk");
			if (wrk != null) {
				rows.add(row(store, "create pods, " + CLIENTS + " connections (wrk, 20 s)",
						String.format("%.0f creates/s", wrk), ">= 5,000/s"));
			}
			recording.start("get");
			Percentiles get = bench.getLatency("bench-create");
			recording.stop("get");
			rows.add(row(
					store, "GET one pod at " + GET_RATE + " req/s", String
						.format("p50 %.2f ms, p99 %.2f ms (%d requests)", get.millis(50), get.millis(99), get.count()),
					"p99 <= 5 ms"));
			bench.creates("bench-list", LIST_SIZE);
			recording.start("list");
			Percentiles list = bench.listLatency("bench-list", LIST_SIZE);
			recording.stop("list");
			rows.add(row(store, "LIST 10,000 pods",
					String.format("median %.0f ms, max %.0f ms", list.millis(50), list.millis(100)), "<= 300 ms"));
			if (!skip.contains("watch")) {
				Percentiles watch = bench.watchFanOut("bench-watch");
				rows.add(row(store, WATCHERS + " watchers x " + WATCHED_WRITES + " writes",
						String.format("delivery p50 %.1f ms, p99 %.1f ms (%d deliveries)", watch.millis(50),
								watch.millis(99), watch.count()),
						"p99 <= 50 ms, all delivered"));
			}
			if (memoryPods > 0) {
				long existing = bench.podCount();
				bench.creates("bench-memory", (int) Math.max(0, memoryPods - existing));
				JfrRecording.jcmd(server.pid(), "GC.run");
				Thread.sleep(2000);
				rows.add(row(store, "RSS holding " + bench.podCount() + " pods (after a full GC)",
						String.format("%.0f MiB", server.residentBytes() / 1048576.0), "< 2 GiB"));
			}
			return rows;
		}
		finally {
			if (redis != null) {
				redis.close();
			}
		}
	}

	/** Creates pods with 32 concurrent clients; returns creates per second. */
	double creates(String namespace, int count) throws Exception {
		ensureNamespace(namespace);
		byte[] body = ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"generateName\":\"p-\",\"labels\":{"
				+ "\"app\":\"bench\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox:1.36\"}]}}")
			.getBytes(StandardCharsets.UTF_8);
		URI uri = URI.create(this.base + "/api/v1/namespaces/" + namespace + "/pods");
		double seconds = concurrently(count,
				i -> HttpRequest.newBuilder(uri)
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofByteArray(body))
					.build(),
				"creates");
		System.out.printf("created %d pods in %s in %.1f s%n", count, namespace, seconds);
		return count / seconds;
	}

	/**
	 * Binds every pod of a namespace to a node (as the scheduler does, one POST of a
	 * Binding to pods/NAME/binding each) with 32 concurrent clients; returns binds per
	 * second. The node need not exist, as in Kubernetes.
	 */
	double binds(String namespace) throws Exception {
		List<String> names = podNames(namespace);
		double seconds = concurrently(names.size(), i -> {
			String name = names.get(i);
			String body = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"" + name
					+ "\"},\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"bench-node-" + (i % 100)
					+ "\"}}";
			return HttpRequest
				.newBuilder(URI.create(this.base + "/api/v1/namespaces/" + namespace + "/pods/" + name + "/binding"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build();
		}, "binds");
		System.out.printf("bound %d pods in %s in %.1f s%n", names.size(), namespace, seconds);
		return names.size() / seconds;
	}

	/**
	 * Sends requests 0..count-1 from 32 concurrent clients, each expecting 201 Created;
	 * returns the seconds taken.
	 */
	private double concurrently(int count, IntFunction<HttpRequest> request, String what) throws Exception {
		AtomicInteger next = new AtomicInteger();
		AtomicInteger failures = new AtomicInteger();
		long start = System.nanoTime();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int c = 0; c < CLIENTS; c++) {
				pool.submit(() -> {
					int i;
					while ((i = next.getAndIncrement()) < count) {
						HttpResponse<Void> response = this.http.send(request.apply(i),
								HttpResponse.BodyHandlers.discarding());
						if (response.statusCode() != 201) {
							failures.incrementAndGet();
						}
					}
					return null;
				});
			}
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		if (failures.get() > 0) {
			throw new IllegalStateException(failures.get() + " " + what + " failed");
		}
		return seconds;
	}

	private List<String> podNames(String namespace) throws IOException, InterruptedException {
		String body = this.http
			.send(HttpRequest.newBuilder(URI.create(this.base + "/api/v1/namespaces/" + namespace + "/pods")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		List<String> names = new ArrayList<>();
		new ObjectMapper().readTree(body)
			.path("items")
			.forEach(item -> names.add(item.path("metadata").path("name").asText()));
		return names;
	}

	/**
	 * The same creates driven by wrk (a C load generator, when installed), which takes
	 * far less of the two cores than a Java client: closer to what the server alone can
	 * do.
	 * @return creates per second, or {@code null} when wrk is not installed
	 */
	Double wrkCreates(String namespace) throws Exception {
		if (!Wrk.installed()) {
			return null;
		}
		ensureNamespace(namespace);
		return Wrk.run(this.base + "/api/v1/namespaces/" + namespace + "/pods", CLIENTS, 20, SMALL_POD, Map.of())
			.requestsPerSecond();
	}

	/**
	 * GETs at a fixed rate; latency counts from the scheduled start, so stalls are not
	 * hidden.
	 */
	Percentiles getLatency(String namespace) throws Exception {
		String name = firstPodName(namespace);
		URI uri = URI.create(this.base + "/api/v1/namespaces/" + namespace + "/pods/" + name);
		return FixedRate.send(this.http, HttpRequest.newBuilder(uri).build(), GET_RATE, GET_SECONDS).latencies();
	}

	Percentiles listLatency(String namespace, int expected) throws Exception {
		URI uri = URI.create(this.base + "/api/v1/namespaces/" + namespace + "/pods");
		int runs = 7;
		long[] nanos = new long[runs];
		for (int i = 0; i < runs; i++) {
			long start = System.nanoTime();
			HttpResponse<byte[]> response = this.http.send(HttpRequest.newBuilder(uri).build(),
					HttpResponse.BodyHandlers.ofByteArray());
			nanos[i] = System.nanoTime() - start;
			int items = count(response.body(), "\"kind\":\"Pod\"");
			if (items != expected) {
				throw new IllegalStateException("LIST returned " + items + " pods, expected " + expected);
			}
		}
		return new Percentiles(nanos, runs);
	}

	/**
	 * 100 watchers on one namespace; a writer creates ConfigMaps stamped with the send
	 * time; each watcher measures now minus stamp for every event and must see all of
	 * them.
	 */
	Percentiles watchFanOut(String namespace) throws Exception {
		ensureNamespace(namespace);
		String rv = resourceVersion("/api/v1/namespaces/" + namespace + "/configmaps");
		long[] latencies = new long[WATCHERS * WATCHED_WRITES];
		AtomicInteger recorded = new AtomicInteger();
		AtomicInteger complete = new AtomicInteger();
		CountDownLatch connected = new CountDownLatch(WATCHERS);
		CountDownLatch finished = new CountDownLatch(WATCHERS);
		URI watch = URI.create(this.base + "/api/v1/namespaces/" + namespace
				+ "/configmaps?watch=true&timeoutSeconds=300&resourceVersion=" + rv);
		ExecutorService watchers = Executors.newVirtualThreadPerTaskExecutor();
		for (int w = 0; w < WATCHERS; w++) {
			watchers.submit(() -> {
				HttpResponse<InputStream> response = this.http.send(HttpRequest.newBuilder(watch).build(),
						HttpResponse.BodyHandlers.ofInputStream());
				connected.countDown();
				int seen = 0;
				try (BufferedReader lines = new BufferedReader(
						new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
					String line;
					while (seen < WATCHED_WRITES && (line = lines.readLine()) != null) {
						long now = System.nanoTime();
						int at = line.indexOf("\"bench/sent\":\"");
						if (at >= 0) {
							int from = at + "\"bench/sent\":\"".length();
							long sent = Long.parseLong(line.substring(from, line.indexOf('"', from)));
							latencies[recorded.getAndIncrement()] = now - sent;
							seen++;
						}
					}
				}
				if (seen == WATCHED_WRITES) {
					complete.incrementAndGet();
				}
				finished.countDown();
				return null;
			});
		}
		connected.await(30, TimeUnit.SECONDS);
		Thread.sleep(500);
		URI configmaps = URI.create(this.base + "/api/v1/namespaces/" + namespace + "/configmaps");
		AtomicInteger next = new AtomicInteger();
		AtomicLong writes = new AtomicLong();
		long start = System.nanoTime();
		try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int c = 0; c < 4; c++) {
				writers.submit(() -> {
					int i;
					while ((i = next.getAndIncrement()) < WATCHED_WRITES) {
						String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w" + i
								+ "\",\"annotations\":{\"bench/sent\":\"" + System.nanoTime() + "\"}}}";
						this.http.send(HttpRequest.newBuilder(configmaps)
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofString(body))
							.build(), HttpResponse.BodyHandlers.discarding());
						writes.incrementAndGet();
					}
					return null;
				});
			}
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		finished.await(120, TimeUnit.SECONDS);
		watchers.shutdownNow();
		System.out.printf("watch fan-out: %d writes in %.1f s (%.0f/s), %d of %d watchers saw every event%n",
				writes.get(), seconds, writes.get() / seconds, complete.get(), WATCHERS);
		if (complete.get() != WATCHERS) {
			throw new IllegalStateException("only " + complete.get() + " of " + WATCHERS + " watchers saw every write");
		}
		return new Percentiles(latencies, recorded.get());
	}

	/** Pods in the cluster: one item plus remainingItemCount of a one-item page. */
	long podCount() throws IOException, InterruptedException {
		String body = this.http
			.send(HttpRequest.newBuilder(URI.create(this.base + "/api/v1/pods?limit=1")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		int at = body.indexOf("\"remainingItemCount\":");
		if (at < 0) {
			return body.contains("\"kind\":\"Pod\"") ? 1 : 0;
		}
		int from = at + "\"remainingItemCount\":".length();
		int to = from;
		while (to < body.length() && Character.isDigit(body.charAt(to))) {
			to++;
		}
		return Long.parseLong(body.substring(from, to)) + 1;
	}

	private void ensureNamespace(String name) throws IOException, InterruptedException {
		this.http.send(HttpRequest.newBuilder(URI.create(this.base + "/api/v1/namespaces"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}"))
			.build(), HttpResponse.BodyHandlers.discarding());
	}

	private String firstPodName(String namespace) throws IOException, InterruptedException {
		String body = this.http
			.send(HttpRequest.newBuilder(URI.create(this.base + "/api/v1/namespaces/" + namespace + "/pods?limit=1"))
				.build(), HttpResponse.BodyHandlers.ofString())
			.body();
		int at = body.indexOf("\"name\":\"") + 8;
		return body.substring(at, body.indexOf('"', at));
	}

	private String resourceVersion(String path) throws IOException, InterruptedException {
		String body = this.http
			.send(HttpRequest.newBuilder(URI.create(this.base + path + "?limit=1")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		int at = body.indexOf("\"resourceVersion\":\"") + 19;
		return body.substring(at, body.indexOf('"', at));
	}

	private static int count(byte[] body, String needle) {
		String text = new String(body, StandardCharsets.UTF_8);
		int count = 0;
		for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
			count++;
		}
		return count;
	}

	private static String row(String store, String measure, String result, String target) {
		return "| " + store + " | " + measure + " | " + result + " | " + target + " |";
	}

}
