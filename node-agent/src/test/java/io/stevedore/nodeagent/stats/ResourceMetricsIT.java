package io.stevedore.nodeagent.stats;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.nodeagent.runtime.simulated.SimulatedUsage;
import io.stevedore.nodeagent.support.ReachableNode;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real apiserver's metrics.k8s.io over a simulated node agent, read by the real
 * kubectl top: pods report what their annotations say, the node the sum of its pods.
 */
class ResourceMetricsIT {

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	static Kubectl kubectl;

	static int agentPort;

	@BeforeAll
	static void start() throws Exception {
		cluster = TestCluster.start(dir);
		agentPort = ReachableNode.start(cluster, "sim-metrics", "--stevedore.node.runtime=simulated",
				"--stevedore.node.simulated.pod-cidr=100.100.9.0/24", "--stevedore.node.stats.period=1s");
		client = cluster.client();
		kubectl = ReachableNode.kubectl(cluster, dir);
		client.pods()
			.resource(annotated(TestPods.sleeper("busy", "sim-metrics"), "web",
					Map.of(SimulatedUsage.CPU_ANNOTATION, "250m", SimulatedUsage.MEMORY_ANNOTATION, "64Mi")))
			.create();
		client.pods().resource(annotated(TestPods.sleeper("idle", "sim-metrics"), "idle", Map.of())).create();
		TestPods.await(client, "busy", (p) -> "Running".equals(p.getStatus().getPhase()));
		TestPods.await(client, "idle", (p) -> "Running".equals(p.getStatus().getPhase()));
	}

	private static Pod annotated(Pod pod, String app, Map<String, String> annotations) {
		pod.getMetadata().setAnnotations(annotations);
		pod.getMetadata().setLabels(Map.of("app", app));
		return pod;
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void kubectlTopPodShowsTheAnnotatedUsageOfASimulatedPod() {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			KubectlResult top = kubectl.run("top", "pod", "busy", "--no-headers");
			assertThat(top.exitCode()).as(top.describe()).isZero();
			assertThat(top.stdout().trim().split("\\s+")).containsExactly("busy", "250m", "64Mi");
		});
	}

	@Test
	void kubectlTopPodWithALabelSelectorAndContainersShowsOnlyTheSelectedPods() {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			KubectlResult top = kubectl.run("top", "pod", "-A", "-l", "app=idle", "--containers", "--no-headers");
			assertThat(top.exitCode()).as(top.describe()).isZero();
			// the idle pod reports the simulated runtime's small constant: 1m, 4Mi
			assertThat(top.stdout().trim().split("\\s+")).containsExactly("default", "idle", "main", "1m", "4Mi");
		});
	}

	@Test
	void kubectlTopNodeShowsTheSumOfASimulatedNodesPods() {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			KubectlResult top = kubectl.run("top", "node", "sim-metrics", "--no-headers");
			assertThat(top.exitCode()).as(top.describe()).isZero();
			String[] columns = top.stdout().trim().split("\\s+");
			assertThat(columns[0]).isEqualTo("sim-metrics");
			assertThat(columns[1]).isEqualTo("251m");
			assertThat(columns[3]).isEqualTo("68Mi");
		});
	}

	@Test
	void podMetricsIsMetricsServersJsonWithWindowAndTimestamp() {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			KubectlResult raw = kubectl.run("get", "--raw",
					"/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/busy");
			assertThat(raw.exitCode()).as(raw.describe()).isZero();
			PodMetrics metrics = Serialization.unmarshal(raw.stdout(), PodMetrics.class);
			assertThat(metrics.getMetadata().getLabels()).containsEntry("app", "web");
			assertThat(metrics.getContainers()).singleElement()
				.satisfies(c -> assertThat(c.getUsage().get("memory").toString()).isEqualTo("64Mi"));
			assertThat(metrics.getTimestamp()).isNotBlank();
			// the agent samples every second: the window is about one second
			assertThat(raw.stdout()).containsPattern("\"window\":\"1(\\.\\d+)?s\"|\"window\":\"0?\\.9\\d*s\"");
		});
	}

	@Test
	void anUnknownPodOrNodeIsNotFound() {
		KubectlResult pod = kubectl.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope");
		assertThat(pod.exitCode()).isNotZero();
		// as metrics-server: a pod that does not exist is the pods' own 404
		assertThat(pod.stderr()).contains("NotFound").contains("pods \"nope\" not found");
		KubectlResult node = kubectl.run("top", "node", "nope");
		assertThat(node.exitCode()).isNotZero();
		assertThat(node.stderr()).contains("nodemetrics.metrics.k8s.io \"nope\" not found");
	}

	@Test
	void aBadSelectorIsABadRequestAndWritesAreNotAllowed() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> bad = http.send(HttpRequest
			.newBuilder(URI.create(cluster.url() + "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%20in%20"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(bad.statusCode()).isEqualTo(400);
		assertThat(bad.body()).contains("\"kind\":\"Status\"").contains("\"reason\":\"BadRequest\"");
		HttpResponse<String> field = http.send(HttpRequest
			.newBuilder(URI.create(cluster.url() + "/apis/metrics.k8s.io/v1beta1/nodes?fieldSelector=spec.x%3Dy"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(field.statusCode()).isEqualTo(400);
		assertThat(field.body()).contains("field label not supported: spec.x");
		HttpResponse<String> create = http.send(HttpRequest
			.newBuilder(URI.create(cluster.url() + "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"x\"}}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(create.statusCode()).isEqualTo(405);
		assertThat(create.body()).contains("\"reason\":\"MethodNotAllowed\"");
	}

	@Test
	void discoveryAdvertisesTheMetricsResourcesReadOnlyAndAWatchIsNotAllowed() throws Exception {
		KubectlResult resources = kubectl.run("api-resources", "--api-group=metrics.k8s.io", "-o", "wide",
				"--no-headers");
		assertThat(resources.exitCode()).as(resources.describe()).isZero();
		assertThat(resources.stdout())
			.containsPattern("nodes\\s+metrics.k8s.io/v1beta1\\s+false\\s+NodeMetrics\\s+get,list")
			.containsPattern("pods\\s+metrics.k8s.io/v1beta1\\s+true\\s+PodMetrics\\s+get,list");
		HttpResponse<String> watch = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(cluster.url() + "/apis/metrics.k8s.io/v1beta1/pods?watch=true"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(watch.statusCode()).isEqualTo(405);
	}

	@Test
	void theAgentServesKubeletResourceMetricsText() throws Exception {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			HttpResponse<String> text = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort + "/metrics/resource")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(text.statusCode()).isEqualTo(200);
			assertThat(text.body()).contains("# TYPE container_cpu_usage_seconds_total counter")
				.containsPattern("container_memory_working_set_bytes\\{container=\"main\",namespace=\"default\","
						+ "pod=\"busy\"} 6.7108864e\\+07 \\d+")
				.contains("node_cpu_usage_seconds_total ");
		});
	}

}
