package io.stevedore.controller.disruption;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.support.ControlPlane;
import io.stevedore.controller.support.TestPods;
import io.stevedore.controller.workload.ControllerRefs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The disruption controller alone against the real apiserver: the test plays the
 * ReplicaSet controller and the kubelet (it creates the pods and marks them Ready), and
 * evicts through pods/{name}/eviction as {@code kubectl drain} does.
 */
class DisruptionControllerIT {

	@TempDir
	static Path dataDir;

	static ControlPlane plane;

	static KubernetesClient client;

	static final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void startControlPlane() {
		plane = ControlPlane.start(dataDir, "--stevedore.controllers.enabled=disruption");
		client = plane.client();
	}

	@AfterAll
	static void stopControlPlane() {
		client.close();
		plane.close();
	}

	@Test
	void evictionsAreGrantedWhileTheBudgetAllowsAndRefusedWith429OnceItIsExhausted() throws Exception {
		String ns = "pdb-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		client.namespaces()
			.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
				.withName(ns)
				.endMetadata()
				.build())
			.create();
		ReplicaSet rs = client.apps()
			.replicaSets()
			.inNamespace(ns)
			.resource(new ReplicaSetBuilder().withNewMetadata()
				.withName("web")
				.endMetadata()
				.withNewSpec()
				.withReplicas(3)
				.withNewSelector()
				.withMatchLabels(Map.of("app", "web"))
				.endSelector()
				.withTemplate(TestPods.template(Map.of("app", "web")))
				.endSpec()
				.build())
			.create();
		for (String name : List.of("web-a", "web-b", "web-c")) {
			readyPod(ns, name, rs);
		}
		client.policy()
			.v1()
			.podDisruptionBudget()
			.inNamespace(ns)
			.resource(new PodDisruptionBudgetBuilder().withNewMetadata()
				.withName("web")
				.endMetadata()
				.withNewSpec()
				.withMaxUnavailable(new IntOrString(1))
				.withNewSelector()
				.withMatchLabels(Map.of("app", "web"))
				.endSelector()
				.endSpec()
				.build())
			.create();

		await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
			PodDisruptionBudget pdb = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("web").get();
			assertThat(pdb.getStatus().getExpectedPods()).isEqualTo(3);
			assertThat(pdb.getStatus().getDesiredHealthy()).isEqualTo(2);
			assertThat(pdb.getStatus().getCurrentHealthy()).isEqualTo(3);
			assertThat(pdb.getStatus().getDisruptionsAllowed()).isEqualTo(1);
			assertThat(pdb.getStatus().getObservedGeneration()).isEqualTo(pdb.getMetadata().getGeneration());
			assertThat(pdb.getStatus().getConditions()).singleElement().satisfies(c -> {
				assertThat(c.getType()).isEqualTo("DisruptionAllowed");
				assertThat(c.getStatus()).isEqualTo("True");
				assertThat(c.getReason()).isEqualTo("SufficientPods");
			});
		});

		assertThat(evict(ns, "web-a").statusCode()).isEqualTo(201);

		await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
			PodDisruptionBudget pdb = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("web").get();
			assertThat(pdb.getStatus().getCurrentHealthy()).isEqualTo(2);
			assertThat(pdb.getStatus().getDisruptionsAllowed()).isZero();
			assertThat(pdb.getStatus().getConditions()).singleElement()
				.satisfies(c -> assertThat(c.getReason()).isEqualTo("InsufficientPods"));
		});
		HttpResponse<String> refused = evict(ns, "web-b");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.body()).contains("Cannot evict pod as it would violate the pod's disruption budget");
		assertThat(client.pods().inNamespace(ns).withName("web-b").get().getMetadata().getDeletionTimestamp()).isNull();

		// The replacement becomes Ready: the budget allows one disruption again.
		readyPod(ns, "web-d", rs);
		await().atMost(Duration.ofSeconds(15))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(client.policy()
				.v1()
				.podDisruptionBudget()
				.inNamespace(ns)
				.withName("web")
				.get()
				.getStatus()
				.getDisruptionsAllowed()).isEqualTo(1));
		assertThat(evict(ns, "web-b").statusCode()).isEqualTo(201);
	}

	@Test
	void kubectlDrainIsRefusedByAnExhaustedBudgetAndLeavesThePodsRunning() throws Exception {
		String ns = "drain-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		String node = "node-" + ns;
		client.namespaces()
			.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
				.withName(ns)
				.endMetadata()
				.build())
			.create();
		client.nodes()
			.resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
				.withName(node)
				.endMetadata()
				.build())
			.create();
		ReplicaSet rs = client.apps()
			.replicaSets()
			.inNamespace(ns)
			.resource(new ReplicaSetBuilder().withNewMetadata()
				.withName("db")
				.endMetadata()
				.withNewSpec()
				.withReplicas(2)
				.withNewSelector()
				.withMatchLabels(Map.of("app", "web"))
				.endSelector()
				.withTemplate(TestPods.template(Map.of("app", "web")))
				.endSpec()
				.build())
			.create();
		readyPod(ns, "db-a", rs, node);
		readyPod(ns, "db-b", rs, node);
		client.policy()
			.v1()
			.podDisruptionBudget()
			.inNamespace(ns)
			.resource(new PodDisruptionBudgetBuilder().withNewMetadata()
				.withName("db")
				.endMetadata()
				.withNewSpec()
				.withMinAvailable(new IntOrString(2))
				.withNewSelector()
				.withMatchLabels(Map.of("app", "web"))
				.endSelector()
				.endSpec()
				.build())
			.create();
		await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
			PodDisruptionBudget pdb = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("db").get();
			assertThat(pdb.getStatus().getCurrentHealthy()).isEqualTo(2);
			assertThat(pdb.getStatus().getDisruptionsAllowed()).isZero();
		});

		Process drain = new ProcessBuilder("kubectl", "--server=" + plane.url(), "--kubeconfig=/dev/null", "drain",
				node, "--ignore-daemonsets", "--timeout=6s")
			.redirectErrorStream(true)
			.start();
		String output = new String(drain.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		assertThat(drain.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

		assertThat(drain.exitValue()).as(output).isNotZero();
		assertThat(output).contains("node/" + node + " cordoned")
			.contains("Cannot evict pod as it would violate the pod's disruption budget");
		assertThat(client.nodes().withName(node).get().getSpec().getUnschedulable()).isTrue();
		for (String pod : List.of("db-a", "db-b")) {
			assertThat(client.pods().inNamespace(ns).withName(pod).get().getMetadata().getDeletionTimestamp()).as(pod)
				.isNull();
		}
	}

	private static void readyPod(String ns, String name, ReplicaSet owner) {
		readyPod(ns, name, owner, null);
	}

	private static void readyPod(String ns, String name, ReplicaSet owner, String node) {
		Pod pod = client.pods()
			.inNamespace(ns)
			.resource(new PodBuilder().withNewMetadata()
				.withName(name)
				.withLabels(Map.of("app", "web"))
				.withOwnerReferences(ControllerRefs.of(owner))
				.endMetadata()
				.withNewSpec()
				.withNodeName(node)
				.addNewContainer()
				.withName("app")
				.withImage("busybox")
				.endContainer()
				.endSpec()
				.build())
			.create();
		pod.setStatus(new PodStatusBuilder().withPhase("Running")
			.addNewCondition()
			.withType("Ready")
			.withStatus("True")
			.endCondition()
			.build());
		client.pods().inNamespace(ns).resource(pod).updateStatus();
	}

	private static HttpResponse<String> evict(String ns, String pod) throws IOException, InterruptedException {
		String body = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod
				+ "\",\"namespace\":\"" + ns + "\"}}";
		return http.send(HttpRequest
			.newBuilder(URI.create(plane.url() + "/api/v1/namespaces/" + ns + "/pods/" + pod + "/eviction"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
