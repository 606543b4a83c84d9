package io.stevedore.e2e.stories;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stevedore.e2e.launcher.StevedoreCommand;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.TestImages;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The six stories of docs/getting-started.md, with the same commands, against
 * {@code ./stevedore up --nodes 3}: each story starts from where the one before left the
 * cluster, as a user following the guide would. The commands here and in the guide must
 * stay the same.
 */
// Whole clusters start and stop here: minutes on a loaded 2-core machine, over the
// suite's default timeout.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedStoryCluster.Extension.class)
class LocalClusterStoriesE2E {

	private static final Duration WAIT = StoryCluster.WAIT;

	/** The image of the stories; a second tag of it is "the new version" of story 4. */
	private static final String IMAGE_V2 = SharedStoryCluster.IMAGE_V2;

	static StoryCluster cluster;

	static StevedoreCommand stevedore;

	/**
	 * The run's shared cluster (see {@link SharedStoryCluster}), in namespace default as
	 * the guide has it; the end of the run stops it. The stories leave it changed (a
	 * machine added, one failed), which a class sharing it after them copes with: the
	 * scheduler places its pods on the Ready machines.
	 */
	@BeforeAll
	static void up(StoryCluster sharedCluster) {
		cluster = sharedCluster;
		stevedore = cluster.stevedore();
	}

	@Test
	@Order(1)
	void startThreeContainersOfAnImage() {
		KubectlResult applied = cluster.kubectl().runWithInput(StoryCluster.WEB_DEPLOYMENT, "apply", "-f", "-");
		assertThat(applied.exitCode()).as(applied.describe()).isZero();
		ok("rollout", "status", "deployment/web", "--timeout=" + WAIT.toSeconds() + "s");

		List<String[]> pods = runningPods();
		assertThat(pods).hasSize(3);
		assertThat(pods).allSatisfy(
				(pod) -> assertThat(pod[1]).isIn(stevedore.nodeName(1), stevedore.nodeName(2), stevedore.nodeName(3)));
	}

	@Test
	@Order(2)
	void putALoadBalancerInFront() throws Exception {
		ok("expose", "deployment", "web", "--type=LoadBalancer", "--port=80", "--target-port=8080");
		String nodePort = out("get", "service", "web", "-o", "jsonpath={.spec.ports[0].nodePort}");
		String clusterIp = out("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}");

		// The built-in bare-metal balancer: the nodes' addresses, never pending.
		eventually("the LoadBalancer Service gets an ingress address",
				() -> out("get", "service", "web", "-o", "jsonpath={.status.loadBalancer.ingress[*].ip}")
					.contains("127.0.0.1"));

		everyPodAnswersOn("127.0.0.1:" + nodePort);

		// An Ingress in front of the Service: the proxy's Ingress controller
		// (IngressClass
		// stevedore, the default) on the port `up` printed.
		ok("create", "ingress", "web", "--rule=/*=web:80");
		everyPodAnswersOn("127.0.0.1:" + stevedore.environment("STEVEDORE_INGRESS_PORT"));
		eventually("the Ingress reports its address",
				() -> out("get", "ingress", "web", "-o", "jsonpath={.status.loadBalancer.ingress[*].ip}")
					.contains("127.0.0.1"));

		// From inside a pod: the ClusterIP, the Service's DNS name (the cluster DNS the
		// node
		// agent put into the pod's resolv.conf), and its A record.
		ok("run", "client", "--image=" + TestImages.BUSYBOX, "--restart=Never", "--", "sh", "-c",
				"timeout 5 wget -qO- http://" + clusterIp
						+ "/ && timeout 5 wget -qO- http://web.default.svc.cluster.local/"
						+ " && timeout 5 wget -qO- http://web/ && nslookup web.default.svc.cluster.local");
		eventually("the client pod finished", () -> List.of("Succeeded", "Failed")
			.contains(out("get", "pod", "client", "-o", "jsonpath={.status.phase}")));
		String logs = out("logs", "client");
		assertThat(out("get", "pod", "client", "-o", "jsonpath={.status.phase}")).as(logs).isEqualTo("Succeeded");
		List<String> pods = runningPods().stream().map((pod) -> pod[0]).toList();
		assertThat(logs.lines().filter(pods::contains).count()).as(logs).isEqualTo(3);
		assertThat(logs).contains("Name:\tweb.default.svc.cluster.local").contains("Address: " + clusterIp);
		ok("delete", "pod", "client", "--wait=false");

		podsReachTheApi();
		noControllerWritesInALoop();
	}

	/**
	 * Until every running pod of the web Deployment has answered a GET of / on
	 * {@code hostPort} with a 200 (each pod serves its own name).
	 */
	private static void everyPodAnswersOn(String hostPort) {
		Set<String> answered = new HashSet<>();
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		eventually("every pod answers on " + hostPort, () -> {
			try {
				HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + "/"))
					.timeout(Duration.ofSeconds(2))
					.build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					answered.add(response.body().strip());
				}
			}
			catch (Exception ex) {
				// not yet programmed
			}
			return answered.containsAll(runningPods().stream().map((pod) -> pod[0]).toList());
		});
	}

	/**
	 * A cluster that serves and is not being changed writes almost nothing but its leases
	 * and events: a controller that rewrites what it just wrote (as the EndpointSlice
	 * controller once did, ~200 writes/s for one idle Service) shows here as hundreds of
	 * writes in 10 s, counted by the apiserver's {@code apiserver_request_total}. The
	 * pods deleted just before still finish terminating, so a few writes are allowed.
	 */
	private static void noControllerWritesInALoop() {
		Map<String, Double> before = apiserverWrites();
		try {
			Thread.sleep(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
		Map<String, Double> after = apiserverWrites();
		Map<String, Double> delta = new TreeMap<>();
		after.forEach((key, count) -> {
			double d = count - before.getOrDefault(key, 0.0);
			if (d > 0) {
				delta.put(key, d);
			}
		});
		double total = delta.values().stream().mapToDouble(Double::doubleValue).sum();
		System.out.println("writes in 10 s of an idle cluster (leases and events left out): " + delta);
		assertThat(total).as("writes in 10 s, by verb and resource: " + delta).isLessThan(50);
	}

	/**
	 * The apiserver's write counts (POST, PUT, PATCH, DELETE) by verb and resource,
	 * leases and events left out, from its Prometheus scrape.
	 */
	private static Map<String, Double> apiserverWrites() {
		String url = "http://127.0.0.1:" + stevedore.environment("STEVEDORE_PORT") + "/actuator/prometheus";
		String scrape;
		try {
			scrape = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (IOException | InterruptedException ex) {
			throw new AssertionError("scraping " + url, ex);
		}
		Pattern line = Pattern.compile("^apiserver_request_total\\{(.*)} (\\S+)$", Pattern.MULTILINE);
		Pattern label = Pattern.compile("(\\w+)=\"([^\"]*)\"");
		Map<String, Double> writes = new TreeMap<>();
		Matcher m = line.matcher(scrape);
		while (m.find()) {
			Map<String, String> labels = new HashMap<>();
			Matcher l = label.matcher(m.group(1));
			while (l.find()) {
				labels.put(l.group(1), l.group(2));
			}
			String verb = labels.getOrDefault("verb", "");
			String resource = labels.getOrDefault("resource", "");
			if (Set.of("POST", "PUT", "PATCH", "DELETE").contains(verb)
					&& !Set.of("leases", "events").contains(resource)) {
				String subresource = labels.getOrDefault("subresource", "");
				writes.merge(verb + " " + resource + (subresource.isEmpty() ? "" : "/" + subresource),
						Double.parseDouble(m.group(2)), Double::sum);
			}
		}
		return writes;
	}

	/**
	 * In-cluster clients find the API as in Kubernetes: {@code kubernetes.default.svc}
	 * resolves to the default/kubernetes Service, whose endpoint is the gateway as pods
	 * reach it. Busybox resolves the name and connects through the ClusterIP; its wget
	 * cannot speak TLS to the gateway's ECDSA certificate, so the HTTPS request is made
	 * by curl in the pod's own network namespace (the same routes and Service rules),
	 * verifying the gateway's certificate for that name against the cluster CA.
	 */
	private static void podsReachTheApi() {
		String serviceIp = out("get", "service", "kubernetes", "-o", "jsonpath={.spec.clusterIP}");
		ok("run", "api-client", "--image=" + TestImages.BUSYBOX, "--restart=Never", "--", "sh", "-c",
				"nslookup kubernetes.default.svc.cluster.local && echo | timeout 5 nc kubernetes.default.svc 443"
						+ " && echo reached the API && exec sleep 3600");
		eventually("the api-client pod runs",
				() -> "Running".equals(out("get", "pod", "api-client", "-o", "jsonpath={.status.phase}")));
		eventually("the api-client pod reached the API through its Service",
				() -> out("logs", "api-client").contains("reached the API"));
		assertThat(out("logs", "api-client")).contains("Address: " + serviceIp);

		String uid = out("get", "pod", "api-client", "-o", "jsonpath={.metadata.uid}");
		String sandbox = Docker.run("ps", "-q", "--filter", "label=io.kubernetes.pod.uid=" + uid, "--filter",
				"label=io.kubernetes.docker.type=podsandbox");
		String pid = Docker.run("inspect", "-f", "{{.State.Pid}}", sandbox);
		String ca = Path.of(stevedore.environment("STEVEDORE_HOME"), "pki", "ca.crt").toString();
		assertThat(inPodNetwork(pid, "--cacert", ca, "--resolve", "kubernetes.default.svc:443:" + serviceIp,
				"https://kubernetes.default.svc/version"))
			.as("an anonymous GET /version through the Service, the certificate checked for its name")
			.isEqualTo("200");
		assertThat(inPodNetwork(pid, "--cacert", ca, "https://" + serviceIp + "/api/v1/namespaces"))
			.as("an anonymous list through the ClusterIP, the certificate checked for the address")
			.isEqualTo("403");
		ok("delete", "pod", "api-client", "--wait=false");
	}

	/** The HTTP status curl gets in the network namespace of process {@code pid}. */
	private static String inPodNetwork(String pid, String... curlArgs) {
		List<String> command = new ArrayList<>(List.of("nsenter", "-t", pid, "-n", "curl", "-sS", "--max-time", "10",
				"-o", "/dev/null", "-w", "%{http_code}"));
		command.addAll(List.of(curlArgs));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes()).strip();
			process.waitFor();
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run " + command + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted running " + command, ex);
		}
	}

	@Test
	@Order(3)
	void scaleUpByAddingAMachineAndMoreContainers() {
		String machine = stevedore.nodeName(4);
		StevedoreCommand.Result add = stevedore.run("node", "add", machine);
		assertThat(add.exitCode()).as(add.toString()).isZero();
		assertThat(out("get", "node", machine, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"))
			.isEqualTo("True");

		ok("scale", "deployment", "web", "--replicas=6");
		ok("rollout", "status", "deployment/web", "--timeout=" + WAIT.toSeconds() + "s");

		List<String[]> pods = runningPods();
		assertThat(pods).hasSize(6);
		assertThat(pods).as("the new machine takes some of the new containers")
			.anySatisfy((pod) -> assertThat(pod[1]).isEqualTo(machine));
	}

	@Test
	@Order(4)
	void rollToANewImageWithNoDowntime() {
		int nodePort = Integer.parseInt(out("get", "service", "web", "-o", "jsonpath={.spec.ports[0].nodePort}"));
		// New connections throughout, as clients keep arriving: each one is routed
		// afresh,
		// which is where a rollout drops requests when a pod stops before it left every
		// node's routing (kubernetes#43576). A few workers: the point is that none fails,
		// not the rate (docs/benchmarks.md has that).
		HttpLoad load = HttpLoad.start("127.0.0.1", nodePort, 8);
		try {
			ok("set", "image", "deployment/web", "busybox=" + IMAGE_V2);
			ok("rollout", "status", "deployment/web", "--timeout=" + WAIT.toSeconds() + "s");

			// The old pods finish their graceful termination after the rollout is
			// complete.
			eventually("only the 6 pods of the new image are left",
					() -> List
						.of(out("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].image}")
							.split(" "))
						.equals(List.of(IMAGE_V2, IMAGE_V2, IMAGE_V2, IMAGE_V2, IMAGE_V2, IMAGE_V2)));
		}
		finally {
			load.close();
		}
		System.out.println("story 4 rollout under load: " + load.report());
		assertThat(load.failed()).as(load.report()).isZero();
		assertThat(load.succeeded()).as("the load ran throughout: " + load.report()).isGreaterThanOrEqualTo(100);
		assertThat(runningPods()).hasSize(6);
		assertThat(out("rollout", "history", "deployment/web")).contains("1").contains("2");
	}

	@Test
	@Order(5)
	void scaleDown() {
		ok("scale", "deployment", "web", "--replicas=2");
		eventually("2 pods left", () -> out("get", "pods", "-l", "app=web", "-o", "name").lines().count() == 2);

		assertThat(runningPods()).hasSize(2);
	}

	@Test
	@Order(6)
	void aFailedContainerAndAFailedMachineAreReplaced() {
		String[] victim = runningPods().get(0);
		String container = Docker.run("ps", "-q", "--filter", "label=io.kubernetes.pod.name=" + victim[0], "--filter",
				"label=io.kubernetes.container.name=busybox");
		Docker.run("kill", container);
		eventually("pod " + victim[0] + " restarted its container", () -> "1"
			.equals(out("get", "pod", victim[0], "-o", "jsonpath={.status.containerStatuses[0].restartCount}")));
		ok("wait", "--for=condition=Ready", "pod/" + victim[0], "--timeout=" + WAIT.toSeconds() + "s");

		String machine = runningPods().get(0)[1];
		StevedoreCommand.Result stop = stevedore.run("node", "stop", machine);
		assertThat(stop.exitCode()).as(stop.toString()).isZero();
		assertThat(Docker.run("ps", "-q", "--filter", "label=io.stevedore.node=" + machine)).isEmpty();

		eventually("node " + machine + " is NotReady", () -> !"True"
			.equals(out("get", "node", machine, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")));
		eventually("2 pods run on the other nodes", () -> {
			List<String[]> running = runningPods();
			return running.stream().filter((pod) -> !pod[1].equals(machine)).count() == 2;
		});
	}

	/**
	 * A StatefulSet's claim from volumeClaimTemplates (no class: the default
	 * {@code standard}) gets a local-path volume on the pod's node; a line the pod wrote
	 * there is still there when the pod is deleted and its replacement appends another.
	 */
	@Test
	@Order(7)
	void aStatefulSetKeepsItsDataWhenItsPodIsReplaced() throws Exception {
		String manifest = """
				apiVersion: apps/v1
				kind: StatefulSet
				metadata:
				  name: db
				spec:
				  serviceName: db
				  replicas: 1
				  selector:
				    matchLabels: {app: db}
				  template:
				    metadata:
				      labels: {app: db}
				    spec:
				      terminationGracePeriodSeconds: 1
				      containers:
				      - name: busybox
				        image: stevedore-test/busybox:1
				        command: ["sh", "-c", "echo started >> /data/log; exec sleep 3600"]
				        volumeMounts:
				        - {name: data, mountPath: /data}
				  volumeClaimTemplates:
				  - metadata:
				      name: data
				    spec:
				      accessModes: [ReadWriteOnce]
				      resources:
				        requests: {storage: 1Gi}
				""";
		KubectlResult applied = cluster.kubectl().runWithInput(manifest, "apply", "-f", "-");
		assertThat(applied.exitCode()).as(applied.describe()).isZero();
		// The claim appears once the StatefulSet controller made it: absent is not yet.
		eventually("claim data-db-0 is Bound", () -> "Bound"
			.equals(cluster.kubectl().run("get", "pvc", "data-db-0", "-o", "jsonpath={.status.phase}").stdout()));
		assertThat(out("get", "pvc", "data-db-0", "-o", "jsonpath={.spec.storageClassName}")).isEqualTo("standard");
		String volume = out("get", "pvc", "data-db-0", "-o", "jsonpath={.spec.volumeName}").strip();
		Path log = Path.of(out("get", "pv", volume, "-o", "jsonpath={.spec.hostPath.path}").strip()).resolve("log");
		eventually("db-0 wrote to its volume", () -> lines(log) == 1);
		String node = out("get", "pod", "db-0", "-o", "jsonpath={.spec.nodeName}").strip();
		assertThat(log.toString()).contains("/" + node + "/");

		ok("delete", "pod", "db-0", "--wait=true", "--timeout=" + WAIT.toSeconds() + "s");
		eventually("the new db-0 appended to the same file", () -> lines(log) == 2);
		assertThat(out("get", "pod", "db-0", "-o", "jsonpath={.spec.nodeName}").strip()).isEqualTo(node);
		ok("delete", "statefulset", "db", "--wait=true", "--timeout=" + WAIT.toSeconds() + "s");
		assertThat(out("get", "pvc", "data-db-0", "-o", "name")).as("the claim outlives its set").isNotBlank();

		// Reclaim policy Delete: the claim's deletion takes the volume and its directory.
		ok("delete", "pvc", "data-db-0", "--wait=true", "--timeout=" + WAIT.toSeconds() + "s");
		eventually("volume " + volume + " and its directory are gone",
				() -> !java.nio.file.Files.exists(log.getParent())
						&& !cluster.kubectl().run("get", "pv", volume).succeeded());
	}

	private static long lines(Path file) {
		try {
			return java.nio.file.Files.exists(file) ? java.nio.file.Files.readAllLines(file).size() : 0;
		}
		catch (java.io.IOException ex) {
			return 0;
		}
	}

	/** Pods of the web Deployment that are Running and not being deleted: name, node. */
	private static List<String[]> runningPods() {
		String lines = out("get", "pods", "-l", "app=web", "-o",
				"jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase} {.metadata.deletionTimestamp}{\"\\n\"}{end}");
		return lines.lines()
			.map((line) -> line.strip().split("\\s+"))
			.filter((fields) -> fields.length == 3 && fields[2].equals("Running"))
			.map((fields) -> Arrays.copyOf(fields, 2))
			.toList();
	}

	private static void ok(String... args) {
		cluster.ok(args);
	}

	private static String out(String... args) {
		return cluster.out(args);
	}

	private static void eventually(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError(
						"not within " + WAIT + ": " + what + "\n" + out("get", "pods,nodes", "-o", "wide"));
			}
			try {
				// A check is a kubectl run, itself a few hundred ms on a loaded machine.
				Thread.sleep(300);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("interrupted waiting for " + what, ex);
			}
		}
	}

}
