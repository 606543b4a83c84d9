package io.stevedore.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Issue #5's controller figures: the real apiserver, scheduler-service and
 * controller-service as processes talking on loopback (no gateway), and N simulated
 * ("hollow") nodes in this JVM, as kubemark does: Node objects that are Ready, and a
 * hollow kubelet that sets pods bound to them Running and Ready through pods/status and
 * completes deletion of terminating pods. One JVM cannot host 1,000 real node agents, so
 * this stands in for them. Leases are not renewed: the controller's
 * {@code stevedore.controllers.node-lifecycle.grace-period} is raised to 1h instead.
 *
 * <p>
 * Arguments: {@code nodes replicas deployments}, e.g. {@code 1000 10000 1} (one big
 * Deployment plus a rolling update) or {@code 1000 3 1000} (throughput). Never run in CI.
 * <p>
 * Status: written at the deadline, compiled but NOT run yet.
 */
public final class ControllerBenchmark {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final String NAMESPACE = "default";

	private ControllerBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
		int replicas = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
		int deployments = args.length > 2 ? Integer.parseInt(args[2]) : 1;
		Path root = Path.of(System.getProperty("bench.root", "."));
		Path work = Files.createTempDirectory("stevedore-ctrlbench");
		System.out.printf("machine: %d cores, load before %s%n", Runtime.getRuntime().availableProcessors(),
				loadAverage());
		try (ApiServerProcess apiserver = ApiServerProcess.start(
				root.resolve("apiserver-service/target/apiserver-service-0.1.0-SNAPSHOT-exec.jar"), null,
				work.resolve("data"), List.of("-Xmx1g"), work.resolve("apiserver.log"))) {
			String api = "http://127.0.0.1:" + apiserver.port();
			Process scheduler = startService(
					root.resolve("scheduler-service/target/scheduler-service-0.1.0-SNAPSHOT.jar"), api,
					work.resolve("scheduler.log"));
			Process controllers = startService(
					root.resolve("controller-service/target/controller-service-0.1.0-SNAPSHOT.jar"), api,
					work.resolve("controllers.log"), "--stevedore.controllers.node-lifecycle.grace-period=1h");
			try {
				createNodes(api, nodes);
				Thread kubelet = Thread.ofPlatform().daemon().start(() -> hollowKubelet(api));
				long start = System.nanoTime();
				for (int i = 0; i < deployments; i++) {
					post(api + "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments",
							deployment("bench-" + i, replicas, "v1"));
				}
				awaitRolledOut(api, deployments, replicas);
				System.out.printf("%d deployment(s) x %d replicas on %d nodes available in %.1f s%n", deployments,
						replicas, nodes, (System.nanoTime() - start) / 1e9);
				if (deployments == 1) {
					start = System.nanoTime();
					put(api + "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/bench-0",
							(ObjectNode) get(api + "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/bench-0"),
							"v2");
					awaitRolledOut(api, 1, replicas);
					System.out.printf("rolling update complete in %.1f s%n", (System.nanoTime() - start) / 1e9);
				}
				kubelet.interrupt();
				System.out.printf("load after %s%n", loadAverage());
				System.out.printf("RSS apiserver %d MiB, scheduler %d MiB, controllers %d MiB%n",
						apiserver.residentBytes() >> 20, rss(scheduler.pid()) >> 20, rss(controllers.pid()) >> 20);
			}
			finally {
				scheduler.destroy();
				controllers.destroy();
				scheduler.waitFor(20, TimeUnit.SECONDS);
				controllers.waitFor(20, TimeUnit.SECONDS);
			}
		}
	}

	private static Process startService(Path jar, String api, Path log, String... extra) throws IOException {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
						"--server.address=127.0.0.1", "--server.port=0", "--stevedore.apiserver.url=" + api));
		command.addAll(List.of(extra));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	private static void createNodes(String api, int nodes) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(16);
		CountDownLatch done = new CountDownLatch(nodes);
		for (int i = 0; i < nodes; i++) {
			String name = "hollow-" + i;
			pool.execute(() -> {
				try {
					ObjectNode node = JSON.createObjectNode();
					node.put("apiVersion", "v1").put("kind", "Node").putObject("metadata").put("name", name);
					post(api + "/api/v1/nodes", node);
					ObjectNode current = (ObjectNode) get(api + "/api/v1/nodes/" + name);
					ObjectNode status = current.putObject("status");
					for (String field : List.of("capacity", "allocatable")) {
						status.putObject(field).put("cpu", "16").put("memory", "64Gi").put("pods", "110");
					}
					status.putArray("conditions")
						.addObject()
						.put("type", "Ready")
						.put("status", "True")
						.put("reason", "KubeletReady")
						.put("lastHeartbeatTime", Instant.now().toString())
						.put("lastTransitionTime", Instant.now().toString());
					send("PUT", api + "/api/v1/nodes/" + name + "/status", current);
				}
				catch (Exception ex) {
					System.err.println("node " + name + ": " + ex);
				}
				finally {
					done.countDown();
				}
			});
		}
		done.await();
		pool.shutdown();
	}

	/**
	 * Watches all pods; a bound, not yet running pod is made Running+Ready, a terminating
	 * one removed.
	 */
	private static void hollowKubelet(String api) {
		ExecutorService writers = Executors.newFixedThreadPool(8);
		Map<String, Boolean> started = new ConcurrentHashMap<>();
		try {
			HttpResponse<java.io.InputStream> response = HTTP.send(
					HttpRequest.newBuilder(URI.create(api + "/api/v1/pods?watch=true")).build(),
					HttpResponse.BodyHandlers.ofInputStream());
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					JsonNode pod = JSON.readTree(line).path("object");
					String ns = pod.path("metadata").path("namespace").asText();
					String name = pod.path("metadata").path("name").asText();
					String url = api + "/api/v1/namespaces/" + ns + "/pods/" + name;
					if (!pod.path("metadata").path("deletionTimestamp").isMissingNode()) {
						writers.execute(() -> quietly(() -> send("DELETE", url + "?gracePeriodSeconds=0", null)));
					}
					else if (!pod.path("spec").path("nodeName").asText().isEmpty()
							&& started.putIfAbsent(ns + "/" + name, true) == null) {
						writers.execute(() -> quietly(() -> send("PUT", url + "/status", running((ObjectNode) pod))));
					}
				}
			}
		}
		catch (Exception ex) {
			System.err.println("hollow kubelet stopped: " + ex);
		}
	}

	private static ObjectNode running(ObjectNode pod) {
		String now = Instant.now().toString();
		ObjectNode status = pod.putObject("status");
		status.put("phase", "Running").put("podIP", "10.0.0.1").put("hostIP", "10.0.0.1").put("startTime", now);
		var conditions = status.putArray("conditions");
		for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
			conditions.addObject().put("type", type).put("status", "True").put("lastTransitionTime", now);
		}
		var containers = status.putArray("containerStatuses");
		for (JsonNode container : pod.path("spec").path("containers")) {
			ObjectNode cs = containers.addObject();
			cs.put("name", container.path("name").asText())
				.put("image", container.path("image").asText())
				.put("imageID", "")
				.put("ready", true)
				.put("started", true)
				.put("restartCount", 0);
			cs.putObject("state").putObject("running").put("startedAt", now);
		}
		return pod;
	}

	/**
	 * As kubectl rollout status: observedGeneration, updated and available replicas, by
	 * watch.
	 */
	private static void awaitRolledOut(String api, int deployments, int replicas) throws Exception {
		Map<String, Boolean> done = new ConcurrentHashMap<>();
		HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest
			.newBuilder(URI.create(api + "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments?watch=true"))
			.build(), HttpResponse.BodyHandlers.ofInputStream());
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				JsonNode d = JSON.readTree(line).path("object");
				JsonNode s = d.path("status");
				boolean complete = s.path("observedGeneration")
					.asLong() >= d.path("metadata").path("generation").asLong()
						&& s.path("updatedReplicas").asInt() == replicas && s.path("replicas").asInt() == replicas
						&& s.path("availableReplicas").asInt() == replicas;
				done.put(d.path("metadata").path("name").asText(), complete);
				if (done.size() == deployments && !done.containsValue(false)) {
					return;
				}
			}
		}
	}

	private static ObjectNode deployment(String name, int replicas, String version) {
		ObjectNode d = JSON.createObjectNode();
		d.put("apiVersion", "apps/v1").put("kind", "Deployment").putObject("metadata").put("name", name);
		ObjectNode spec = d.putObject("spec").put("replicas", replicas);
		spec.putObject("selector").putObject("matchLabels").put("app", name);
		template(spec, name, version);
		return d;
	}

	private static void template(ObjectNode spec, String name, String version) {
		ObjectNode template = spec.putObject("template");
		template.putObject("metadata").putObject("labels").put("app", name).put("version", version);
		ObjectNode container = template.putObject("spec").putArray("containers").addObject();
		container.put("name", "app").put("image", "busybox:" + version);
		container.putObject("resources").putObject("requests").put("cpu", "10m").put("memory", "16Mi");
	}

	private static void put(String url, ObjectNode deployment, String version) throws Exception {
		template((ObjectNode) deployment.path("spec"), deployment.path("metadata").path("name").asText(), version);
		send("PUT", url, deployment);
	}

	private static JsonNode get(String url) throws Exception {
		return JSON.readTree(send("GET", url, null));
	}

	private static void post(String url, JsonNode body) throws Exception {
		send("POST", url, body);
	}

	private static String send(String method, String url, JsonNode body) throws Exception {
		HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
				: HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.method(method, publisher)
			.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() >= 300 && response.statusCode() != 404) {
			throw new IOException(method + " " + url + ": " + response.statusCode() + " " + response.body());
		}
		return response.body();
	}

	private interface Call {

		void run() throws Exception;

	}

	private static void quietly(Call call) {
		try {
			call.run();
		}
		catch (Exception ex) {
			System.err.println(ex.getMessage());
		}
	}

	private static long rss(long pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		return -1;
	}

	private static String loadAverage() throws IOException {
		return Files.readString(Path.of("/proc/loadavg")).trim();
	}

}
