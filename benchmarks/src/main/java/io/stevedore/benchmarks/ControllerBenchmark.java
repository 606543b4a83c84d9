package io.stevedore.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Issue #5's controller figures: the real apiserver, scheduler-service and
 * controller-service as processes talking on loopback (no gateway), and N hollow nodes:
 * one node-agent process on the simulated runtime running N nodes
 * ({@code stevedore.node.simulated.nodes=N}, see {@link HollowHost}), as kubemark does.
 * The nodes register, renew their Leases and take the pods bound to them from Pending to
 * Running and Ready, and through termination, with the agent's own code; each is labelled
 * {@code type=simulated} and reports 16 cpu, 64Gi and 110 pods. The Leases are renewed
 * every {@code bench.renewInterval} (10s, the kubelet's) and the node lifecycle
 * controller judges them with a grace period of {@code bench.nodeGracePeriod} (40s,
 * Kubernetes' node-monitor-grace-period); a node that stopped being Ready during the run
 * is counted.
 *
 * <p>
 * Arguments: {@code nodes replicas deployments [rollouts]}, e.g. {@code 1000 10000 1}
 * (one big Deployment plus a rolling update) or {@code 1000 3 1000} (throughput). The
 * clock starts once every node is Ready and a warm-up pod ran (the start-up of the
 * services and of the host is not measured). System properties:
 * {@code bench.timeoutSeconds} caps each phase (600),
 * {@code bench.apiserverStartSeconds}, {@code bench.hostHeap} (1g), {@code bench.hostJvm}
 * and {@code bench.hostArgs} for the host, and {@code bench.<service>.jvm} adds JVM
 * options to one service, e.g.
 * {@code -Dbench.controller-service.jvm=-XX:StartFlightRecording=filename=c.jfr}. Build
 * first:
 * {@code ./mvnw -q -B -DskipTests install -pl apiserver-service,scheduler-service,controller-service,node-agent,benchmarks -am};
 * command in controller-service/README.md. Never run in CI.
 */
public final class ControllerBenchmark {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final String NAMESPACE = "default";

	/** Each phase's cap: a stalled rollout is reported, not waited for forever. */
	private static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("bench.timeoutSeconds", 600));

	/** The hollow nodes' names: {@code hollow-0} … */
	private static final String PREFIX = "hollow";

	private ControllerBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
		int replicas = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
		int deployments = args.length > 2 ? Integer.parseInt(args[2]) : 1;
		int rollouts = args.length > 3 ? Integer.parseInt(args[3]) : deployments == 1 ? 1 : 0;
		Path root = Path.of(System.getProperty("bench.root", "."));
		Duration renew = Duration.parse("PT" + System.getProperty("bench.renewInterval", "10s"));
		Duration grace = Duration.parse("PT" + System.getProperty("bench.nodeGracePeriod", "40s"));
		Path work = Files.createTempDirectory("stevedore-ctrlbench");
		System.out.printf("%s; load before %s; work %s%n", Machine.line(), Machine.loadAverage(), work);
		try (ApiServerProcess apiserver = ApiServerProcess.start(
				root.resolve("apiserver-service/target/apiserver-service-0.1.0-SNAPSHOT-exec.jar"), null,
				work.resolve("data"), List.of("-Xmx1g"), work.resolve("apiserver.log"))) {
			String api = "http://127.0.0.1:" + apiserver.port();
			ServiceProcess scheduler = startService(
					root.resolve("scheduler-service/target/scheduler-service-0.1.0-SNAPSHOT.jar"), api,
					work.resolve("scheduler.log"));
			ServiceProcess controllers = startService(
					root.resolve("controller-service/target/controller-service-0.1.0-SNAPSHOT.jar"), api,
					work.resolve("controllers.log"),
					"--stevedore.controllers.node-lifecycle.grace-period=" + grace.toSeconds() + "s");
			// The capacity the benchmark's own Node objects had before the hollow host:
			// the same scores, so figures stay comparable.
			HollowHost host = HollowHost.start(root, api, PREFIX, nodes, renew, Duration.ofSeconds(40),
					List.of("--stevedore.node.simulated.cpus=16", "--stevedore.node.simulated.memory=64GB"), work);
			// A benchmark stopped by a signal (e.g. timeout(1)) must not leave the
			// services running.
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				host.destroy();
				scheduler.destroy();
				controllers.destroy();
				apiserver.destroy();
			}));
			try {
				long hostStart = System.nanoTime();
				host.awaitReady(nodes, Duration.ofMinutes(10));
				System.out.printf("%d hollow nodes (one node-agent process, simulated runtime, label type=simulated; "
						+ "%d nodes in the API) Ready %.1f s after the host started; Lease renew %s, grace %s%n", nodes,
						get(api + "/api/v1/nodes").path("items").size(), (System.nanoTime() - hostStart) / 1e9, renew,
						grace);
				// The services start while the host registers its nodes; the clock must
				// not include their JVM start-up, so one warm-up pod has to run first.
				long warmStart = System.nanoTime();
				post(api + "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments", deployment("warmup", 1, "v1"));
				if (!awaitRolledOut(api, "warmup", 1, 1, Duration.ofMinutes(10))) {
					throw new IllegalStateException("the warm-up Deployment did not become available");
				}
				System.out.printf("services ready (warm-up pod available) after %.1f s%n",
						(System.nanoTime() - warmStart) / 1e9);
				Thread progress = Thread.ofPlatform().daemon().start(() -> printProgress(api, host));
				long start = System.nanoTime();
				for (int i = 0; i < deployments; i++) {
					post(api + "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments",
							deployment("bench-" + i, replicas, "v1"));
				}
				boolean done = awaitRolledOut(api, "bench-", deployments, replicas, TIMEOUT);
				System.out.printf("%d deployment(s) x %d replicas on %d nodes %s %.1f s%n", deployments, replicas,
						nodes, done ? "available in" : "NOT available within", (System.nanoTime() - start) / 1e9);
				printRss(apiserver, scheduler, controllers, host);
				for (int r = 2; done && r <= rollouts + 1; r++) {
					start = System.nanoTime();
					put(api + "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/bench-0",
							(ObjectNode) get(api + "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/bench-0"),
							"v" + r);
					done = awaitRolledOut(api, "bench-", 1, replicas, TIMEOUT);
					System.out.printf("rolling update to v%d %s %.1f s%n", r,
							done ? "complete in" : "NOT complete within", (System.nanoTime() - start) / 1e9);
					printRss(apiserver, scheduler, controllers, host);
				}
				progress.interrupt();
				System.out.printf("hollow nodes: %d Ready of %d at the end, Ready lost %d times during the run%n",
						host.readyNodes(), nodes, host.lostReady());
				for (String line : host.logSummary()) {
					System.out.println("host log: " + line);
				}
				System.out.printf("load after %s%n", Machine.loadAverage());
			}
			finally {
				host.destroy();
				scheduler.destroy();
				controllers.destroy();
				host.close();
				scheduler.close();
				controllers.close();
			}
		}
	}

	private static ServiceProcess startService(Path jar, String api, Path log, String... extra) throws IOException {
		// e.g.
		// -Dbench.controller-service.jvm=-XX:StartFlightRecording=filename=/tmp/c.jfr
		String name = jar.getFileName().toString().replace("-0.1.0-SNAPSHOT.jar", "");
		String jvm = System.getProperty("bench." + name + ".jvm");
		List<String> arguments = new ArrayList<>(
				List.of("--server.address=127.0.0.1", "--server.port=0", "--stevedore.apiserver.url=" + api));
		arguments.addAll(List.of(extra));
		return ServiceProcess.launch(name, jar,
				jvm == null || jvm.isBlank() ? List.of() : List.of(jvm.trim().split("\\s+")), arguments, Map.of(), log);
	}

	/**
	 * As kubectl rollout status, for every Deployment whose name starts with the prefix:
	 * observedGeneration, updated, total and available replicas. Polls once a second (a
	 * watch that the server closes would end the wait early or never).
	 * @return false when the timeout passed first
	 */
	private static boolean awaitRolledOut(String api, String prefix, int deployments, int replicas, Duration timeout)
			throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			int complete = 0;
			JsonNode list;
			try {
				list = get(api + "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments");
			}
			catch (IOException ex) {
				// e.g. 504 "Too large resource version" from a loaded apiserver: poll
				// again.
				System.out.println("poll: " + ex.getMessage());
				Thread.sleep(1000);
				continue;
			}
			for (JsonNode d : list.path("items")) {
				JsonNode s = d.path("status");
				if (d.path("metadata").path("name").asText().startsWith(prefix)
						&& s.path("observedGeneration").asLong() >= d.path("metadata").path("generation").asLong()
						&& s.path("updatedReplicas").asInt() == replicas && s.path("replicas").asInt() == replicas
						&& s.path("availableReplicas").asInt() == replicas) {
					complete++;
				}
			}
			if (complete == deployments) {
				return true;
			}
			Thread.sleep(1000);
		}
		return false;
	}

	private static void printRss(ApiServerProcess apiserver, ServiceProcess scheduler, ServiceProcess controllers,
			HollowHost host) throws IOException {
		System.out.printf(
				"RSS apiserver %d MiB, scheduler %d MiB, controllers %d MiB, hollow host %d MiB; CPU so far apiserver %d s, "
						+ "scheduler %d s, controllers %d s, hollow host %d s, benchmark %d s (load %s)%n",
				apiserver.residentBytes() >> 20, scheduler.residentBytes() >> 20, controllers.residentBytes() >> 20,
				host.residentBytes() >> 20, Machine.cpuSeconds(apiserver.pid()), Machine.cpuSeconds(scheduler.pid()),
				Machine.cpuSeconds(controllers.pid()), Machine.cpuSeconds(host.pid()),
				Machine.cpuSeconds(ProcessHandle.current().pid()), Machine.loadAverage());
	}

	/**
	 * Every 10 s: each ReplicaSet's spec and status counts, so a stalled rollout shows
	 * which side stopped moving.
	 */
	private static void printProgress(String api, HollowHost host) {
		long start = System.nanoTime();
		while (!Thread.currentThread().isInterrupted()) {
			try {
				Thread.sleep(10_000);
				StringBuilder line = new StringBuilder(String.format("%6.0fs", (System.nanoTime() - start) / 1e9));
				JsonNode items = get(api + "/apis/apps/v1/namespaces/" + NAMESPACE + "/replicasets").path("items");
				int[] sums = new int[4];
				for (JsonNode rs : items) {
					JsonNode s = rs.path("status");
					int[] counts = { rs.path("spec").path("replicas").asInt(), s.path("replicas").asInt(),
							s.path("readyReplicas").asInt(), s.path("availableReplicas").asInt() };
					if (items.size() <= 5) {
						line.append(String.format(" | %s spec=%d rep=%d ready=%d avail=%d",
								rs.path("metadata").path("name").asText(), counts[0], counts[1], counts[2], counts[3]));
					}
					for (int i = 0; i < 4; i++) {
						sums[i] += counts[i];
					}
				}
				if (items.size() > 5) {
					line.append(String.format(" | %d ReplicaSets: spec=%d rep=%d ready=%d avail=%d", items.size(),
							sums[0], sums[1], sums[2], sums[3]));
				}
				System.out.println(line
					.append(String.format(" | nodes Ready %d, Ready lost %d", host.readyNodes(), host.lostReady())));
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (Exception ex) {
				System.out.println("progress: " + ex);
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
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.method(method, publisher)
			.build();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		for (int attempt = 0; retriable(response.statusCode()) && attempt < 8; attempt++) {
			Thread.sleep(200L << attempt);
			response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		}
		if (response.statusCode() >= 300 && response.statusCode() != 404) {
			throw new IOException(method + " " + url + ": " + response.statusCode() + " " + response.body());
		}
		return response.body();
	}

	/**
	 * An overloaded apiserver answers 429, or 504 when its cache lags a consistent read:
	 * a client retries those.
	 */
	private static boolean retriable(int status) {
		return status == 429 || status == 500 || status == 503 || status == 504;
	}

}
