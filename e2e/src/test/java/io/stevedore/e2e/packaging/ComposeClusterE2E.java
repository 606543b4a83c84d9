package io.stevedore.e2e.packaging;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.DockerDaemon;
import io.stevedore.testsupport.docker.TestImages;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml for real: the images are built from the jars Maven made on a base
 * image built here without a registry (docker/build-base-image.sh), the cluster comes up
 * under a project name and ports of its own, the real kubectl applies a Deployment and a
 * Service through the gateway with the admin kubeconfig taken from the gateway's volume,
 * the pods answer on their IPs from the host, and {@code down -v} leaves nothing behind.
 */
// Its own cluster: may run beside the other classes (junit-platform.properties, off).
@Execution(ExecutionMode.CONCURRENT)
class ComposeClusterE2E {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Duration UP_TIMEOUT = Duration.ofMinutes(10);

	private static final List<String> IMAGES = List.of("apiserver", "api-gateway", "scheduler", "controllers",
			"node-agent", "proxy");

	@TempDir
	Path dir;

	private final String project = "stvcompose" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

	private final Map<String, String> env = new LinkedHashMap<>();

	@Test
	// Eight JVMs start on two shared cores: minutes, not the suite's default 3.
	@Timeout(value = 25, unit = TimeUnit.MINUTES)
	void composeClusterRunsADeploymentAndLeavesNothingBehind() throws Exception {
		DockerDaemon.ensureRunning();
		String compose = composeCommand();
		for (String module : List.of("apiserver-service", "api-gateway", "scheduler-service", "controller-service",
				"node-agent", "proxy-service")) {
			assertThat(
					Files.list(ROOT.resolve(module).resolve("target")).anyMatch((p) -> p.toString().endsWith(".jar")))
				.as(module + "/target holds the service's jar (./mvnw -q -B -DskipTests package)")
				.isTrue();
		}
		run(Duration.ofMinutes(5), List.of(ROOT.resolve("docker/build-base-image.sh").toString()));
		String busybox = TestImages.busybox();
		configure();
		String node1 = this.env.get("STEVEDORE_NODE_1_NAME");
		String node2 = this.env.get("STEVEDORE_NODE_2_NAME");
		boolean passed = false;
		try {
			up(compose);
			Kubectl kubectl = Kubectl.forKubeconfig(adminKubeconfig(compose), this.dir.resolve("home"))
				.withTimeout(Duration.ofMinutes(2));
			await("both nodes Ready", UP_TIMEOUT, () -> {
				KubectlResult nodes = kubectl.run("get", "nodes", "-o",
						"jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type==\"Ready\")].status} {end}");
				return nodes.succeeded() && nodes.stdout().contains(node1 + "=True")
						&& nodes.stdout().contains(node2 + "=True");
			});

			kubectl.runWithInput(manifest(busybox), "apply", "-f", "-").requireSuccess();
			await("two web pods ready", UP_TIMEOUT, () -> readyPodIps(kubectl).size() == 2);
			for (String ip : readyPodIps(kubectl)) {
				String body = get("http://" + ip + ":8080/");
				assertThat(body).as("pod at " + ip + " answers with its name").startsWith("web-");
			}
			// Through the Service: the proxy's rules on this host send the ClusterIP to a
			// pod.
			String clusterIp = kubectl.run("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}")
				.requireSuccess()
				.stdout()
				.strip();
			await("the Service answering on " + clusterIp, UP_TIMEOUT, () -> answers("http://" + clusterIp + "/"));
			assertThat(get("http://" + clusterIp + "/")).startsWith("web-");
			// Both nodes took a pod: the scheduler spreads a Deployment's replicas.
			assertThat(kubectl.run("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.nodeName}")
				.requireSuccess()
				.stdout()).contains(node1).contains(node2);

			// exec through the apiserver into each node's pod: over HTTPS to each agent,
			// whose serving certificate it asked the cluster for (kubelet-serving,
			// approved by the controllers as the node's own request for its addresses)
			for (String pod : kubectl.run("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}")
				.requireSuccess()
				.stdout()
				.strip()
				.split(" ")) {
				assertThat(kubectl.run("exec", pod, "--", "cat", "/www/index.html").requireSuccess().stdout().strip())
					.isEqualTo(pod);
			}
			assertThat(kubectl.run("get", "csr", "--field-selector=spec.signerName=kubernetes.io/kubelet-serving")
				.requireSuccess()
				.stdout()).contains("system:node:" + node1)
				.contains("system:node:" + node2)
				.contains("Approved,Issued");

			// Secrets encrypted at rest with the key the apiserver made in its volume;
			// the
			// audit log on the gateway's standard output.
			String plaintext = "compose-secret-" + this.project;
			kubectl.run("create", "secret", "generic", "db", "--from-literal=password=" + plaintext).requireSuccess();
			assertThat(kubectl.run("get", "secret", "db", "-o", "jsonpath={.data.password}").requireSuccess().stdout())
				.isEqualTo(java.util.Base64.getEncoder().encodeToString(plaintext.getBytes(StandardCharsets.UTF_8)));
			// --no-raw: redis-cli escapes the ciphertext's bytes, so the answer is ASCII.
			String stored = run(Duration.ofSeconds(30), composeArgs(compose, "exec", "-T", "redis", "redis-cli",
					"--no-raw", "HGET", "stevedore:data", "/registry/core/secrets/default/db"));
			assertThat(stored).contains("k8s:enc:aesgcm:v1:key1:").doesNotContain(plaintext);
			String gatewayLog = run(Duration.ofSeconds(30), composeArgs(compose, "logs", "--no-color", "gateway"));
			assertThat(gatewayLog).contains("\"kind\":\"Event\"").contains("/api/v1/namespaces/default/secrets");
			kubectl.run("delete", "secret", "db").requireSuccess();

			kubectl.run("delete", "service,deployment", "web", "--wait=false").requireSuccess();
			await("the pods' containers removed", UP_TIMEOUT,
					() -> Docker.containerIds("io.stevedore.node", node1).isEmpty()
							&& Docker.containerIds("io.stevedore.node", node2).isEmpty());
			passed = true;
		}
		finally {
			if (!passed) {
				System.err
					.println(tryRun(Duration.ofMinutes(1), composeArgs(compose, "logs", "--no-color", "--tail=40")));
			}
			tryRun(Duration.ofMinutes(3), composeArgs(compose, "down", "-v", "--timeout", "20"));
			Docker.removeContainers("io.stevedore.node", node1);
			Docker.removeContainers("io.stevedore.node", node2);
			for (String image : IMAGES) {
				Docker.tryRun("rmi", "stevedore/" + image + ":" + this.project);
			}
		}
		String label = "label=com.docker.compose.project=" + this.project;
		assertThat(Docker.run("ps", "-aq", "--filter", label)).as("containers left").isEmpty();
		assertThat(Docker.run("volume", "ls", "-q", "--filter", label)).as("volumes left").isEmpty();
		assertThat(Docker.run("network", "ls", "-q", "--filter", label)).as("networks left").isEmpty();
		assertThat(Docker.run("network", "ls", "-q", "--filter", "name=" + this.env.get("STEVEDORE_POD_NETWORK")))
			.as("pod network left")
			.isEmpty();
		// The proxy took its rules along when it stopped.
		assertThat(run(Duration.ofSeconds(30), List.of("iptables-save"))).as("iptables chains of the proxy left")
			.doesNotContain(this.env.get("STEVEDORE_PROXY_CHAIN_PREFIX"));
	}

	/** Names, ports and images of this test's cluster, apart from a developer's. */
	private void configure() throws IOException {
		this.env.put("STEVEDORE_BASE_IMAGE", "stevedore/jre:local");
		this.env.put("STEVEDORE_REDIS_IMAGE", "stevedore/redis:local");
		this.env.put("STEVEDORE_TAG", this.project);
		this.env.put("STEVEDORE_GATEWAY_PORT", freePort());
		this.env.put("STEVEDORE_APISERVER_PORT", freePort());
		this.env.put("STEVEDORE_NODE_1_NAME", this.project + "-1");
		this.env.put("STEVEDORE_NODE_2_NAME", this.project + "-2");
		this.env.put("STEVEDORE_NODE_1_PORT", freePort());
		this.env.put("STEVEDORE_NODE_2_PORT", freePort());
		this.env.put("STEVEDORE_PROXY_PORT", freePort());
		// At most 10 characters (the proxy's rule), and none of a developer's proxy.
		this.env.put("STEVEDORE_PROXY_CHAIN_PREFIX", "STV" + this.project.substring(10, 17).toUpperCase());
		this.env.put("STEVEDORE_POD_NETWORK", this.project + "-pods");
		this.env.put("STEVEDORE_NODES_DIR", Files.createDirectories(this.dir.resolve("nodes")).toString());
		// Small heaps and one GC thread each: eight JVMs share two cores in CI.
		for (String component : List.of("APISERVER", "GATEWAY", "SCHEDULER", "CONTROLLERS", "NODE", "PROXY")) {
			this.env.put("STEVEDORE_" + component + "_JAVA_OPTS",
					"-Xmx160m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k");
		}
	}

	/**
	 * {@code up -d --build}, again when it gave up: compose v1 stops waiting as soon as a
	 * dependency is unhealthy, and on a loaded machine a service may restart once before
	 * it is healthy (its restart policy brings it back; a second {@code up} goes on).
	 */
	private void up(String compose) throws Exception {
		Result result = null;
		for (int attempt = 1; attempt <= 3; attempt++) {
			List<String> args = attempt == 1 ? composeArgs(compose, "up", "-d", "--build")
					: composeArgs(compose, "up", "-d");
			result = tryRun(UP_TIMEOUT, args);
			if (result.exitCode() == 0) {
				return;
			}
		}
		throw new AssertionError("docker-compose up failed 3 times; last output:\n" + result.output());
	}

	private Path adminKubeconfig(String compose) throws Exception {
		String gateway = run(Duration.ofSeconds(60), composeArgs(compose, "ps", "-q", "gateway")).strip();
		Path kubeconfig = this.dir.resolve("kubeconfig");
		await("the gateway's admin kubeconfig", UP_TIMEOUT,
				() -> Docker.tryRun("cp", gateway + ":/var/lib/stevedore/pki/kubeconfig", kubeconfig.toString())
					.exitCode() == 0);
		assertThat(Files.readString(kubeconfig))
			.contains("server: https://127.0.0.1:" + this.env.get("STEVEDORE_GATEWAY_PORT"));
		return kubeconfig;
	}

	private static List<String> readyPodIps(Kubectl kubectl) {
		KubectlResult pods = kubectl.run("get", "pods", "-l", "app=web", "-o",
				"jsonpath={range .items[*]}{.status.podIP}={.status.conditions[?(@.type==\"Ready\")].status} {end}");
		List<String> ips = new ArrayList<>();
		if (pods.succeeded()) {
			for (String entry : pods.stdout().trim().split("\\s+")) {
				if (entry.endsWith("=True") && entry.length() > "=True".length()) {
					ips.add(entry.substring(0, entry.length() - "=True".length()));
				}
			}
		}
		return ips;
	}

	private static String manifest(String image) {
		return """
				apiVersion: apps/v1
				kind: Deployment
				metadata: {name: web, labels: {app: web}}
				spec:
				  replicas: 2
				  selector: {matchLabels: {app: web}}
				  template:
				    metadata: {labels: {app: web}}
				    spec:
				      containers:
				      - name: web
				        image: %s
				        command: ["sh", "-c", "mkdir -p /www; hostname > /www/index.html; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait $!"]
				        ports: [{containerPort: 8080}]
				        readinessProbe:
				          httpGet: {path: /, port: 8080}
				          periodSeconds: 2
				---
				apiVersion: v1
				kind: Service
				metadata: {name: web}
				spec:
				  selector: {app: web}
				  ports: [{port: 80, targetPort: 8080}]
				"""
			.formatted(image);
	}

	private static String get(String url) throws Exception {
		try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
			HttpResponse<String> response = client.send(
					HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("GET " + url).isEqualTo(200);
			return response.body();
		}
	}

	private static boolean answers(String url) {
		try {
			return get(url).startsWith("web-");
		}
		catch (Exception | AssertionError ex) {
			return false;
		}
	}

	/** docker-compose v1, or the v2 plugin when only that is installed. */
	private static String composeCommand() throws Exception {
		for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
			if (Files.isExecutable(Path.of(dir, "docker-compose"))) {
				return dir + "/docker-compose";
			}
		}
		if (Docker.tryRun("compose", "version").exitCode() == 0) {
			return "docker compose";
		}
		throw new AssertionError("neither docker-compose nor `docker compose` is installed "
				+ "(apt-get install -y docker-compose; ./stevedore test installs it)");
	}

	private List<String> composeArgs(String compose, String... args) {
		List<String> command = new ArrayList<>(List.of(compose.split(" ")));
		command.addAll(List.of("-f", ROOT.resolve("docker-compose.yml").toString(), "-p", this.project));
		command.addAll(List.of(args));
		return command;
	}

	private String run(Duration timeout, List<String> command) throws Exception {
		Result result = tryRun(timeout, command);
		if (result.exitCode() != 0) {
			throw new AssertionError(
					String.join(" ", command) + " exited " + result.exitCode() + ":\n" + result.output());
		}
		return result.output();
	}

	private Result tryRun(Duration timeout, List<String> command) throws Exception {
		Path output = Files.createTempFile(this.dir, "command", ".log");
		ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile());
		builder.environment().putAll(this.env);
		Process process = builder.start();
		if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor();
			return new Result(-1, "timed out after " + timeout + ": " + Files.readString(output));
		}
		return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
	}

	private static String freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return Integer.toString(socket.getLocalPort());
		}
	}

	private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		while (!condition.getAsBoolean()) {
			if (Instant.now().isAfter(deadline)) {
				throw new AssertionError("timed out after " + timeout + " waiting for " + what);
			}
			// Each check is a kubectl, docker or HTTP call of its own: half a second
			// between them is plenty, where 2 s added up to a second per wait.
			Thread.sleep(500);
		}
	}

	private record Result(int exitCode, String output) {
	}

}
