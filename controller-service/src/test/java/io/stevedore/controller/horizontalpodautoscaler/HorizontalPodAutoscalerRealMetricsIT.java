package io.stevedore.controller.horizontalpodautoscaler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.support.ControlPlane;
import io.stevedore.controller.support.SimulatedNodeAgent;
import io.stevedore.testsupport.kubectl.Kubeconfig;
import io.stevedore.testsupport.kubectl.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HPA on real metrics (issue 5): the real apiserver, a real node agent on the
 * simulated runtime whose pods report the CPU their annotation says, metrics.k8s.io
 * served from that agent, and the real Deployment, ReplicaSet and HPA controllers (sync
 * every second, a 5 s scale-down window). Pods are bound by nodeName: no scheduler runs
 * in this module. The HPA is made by the real {@code kubectl autoscale} (autoscaling/v1).
 */
class HorizontalPodAutoscalerRealMetricsIT {

	private static final String NODE = "sim-hpa";

	private static final String USAGE = "simulated.stevedore.io/cpu-usage";

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	@TempDir
	static Path dir;

	static ControlPlane plane;

	static KubernetesClient client;

	static SimulatedNodeAgent agent;

	static Kubectl kubectl;

	@BeforeAll
	static void start() {
		plane = ControlPlane.start(dir.resolve("data"),
				"--stevedore.controllers.horizontal-pod-autoscaler.sync-period=1s",
				"--stevedore.controllers.horizontal-pod-autoscaler.downscale-stabilization=5s",
				"--stevedore.controllers.horizontal-pod-autoscaler.cpu-initialization-period=2s");
		client = plane.client();
		agent = SimulatedNodeAgent.start(client, plane.url(), NODE, dir, Duration.ofSeconds(1));
		kubectl = Kubectl.forKubeconfig(Kubeconfig.write(dir.resolve("kubeconfig"), plane.url()), dir.resolve("home"));
	}

	@AfterAll
	static void stop() {
		if (agent != null) {
			agent.close();
		}
		if (client != null) {
			client.close();
		}
		if (plane != null) {
			plane.close();
		}
	}

	@Test
	void podsUsingTwiceTheirRequestScaleUpAndScaleBackDownWhenTheyGoIdle() {
		String ns = "hpa-real-" + Long.toHexString(System.nanoTime()).substring(0, 6);
		kubectl.run("create", "namespace", ns).requireSuccess();
		client.apps().deployments().inNamespace(ns).resource(deployment("400m")).create();
		kubectl.run("-n", ns, "autoscale", "deployment", "web", "--cpu-percent=50", "--min=1", "--max=5")
			.requireSuccess();
		long autoscaled = System.nanoTime();

		// 400m of a 200m request is 200% against 50%: ceil(1 * 200 / 50) = 4 replicas.
		await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			assertThat(replicas(ns)).as(agent.logTail()).isEqualTo(4);
		});
		System.out.printf("hpa-real-metrics: scaled 1 -> 4 %.1f s after kubectl autoscale%n",
				(System.nanoTime() - autoscaled) / 1e9);
		await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			String table = kubectl.run("-n", ns, "get", "hpa", "web").requireSuccess().stdout();
			assertThat(table).containsPattern("web\\s+Deployment/web\\s+cpu: 200%/50%\\s+1\\s+5\\s+4");
		});
		assertThat(kubectl
			.run("-n", ns, "get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o",
					"jsonpath={.status.currentCPUUtilizationPercentage} {.status.desiredReplicas}")
			.requireSuccess()
			.stdout()).isEqualTo("200 4");

		// The template now says 10m: a rollout replaces the pods, their usage drops to 5%
		// and, once the 5 s window has passed, the HPA scales down to minReplicas.
		client.apps()
			.deployments()
			.inNamespace(ns)
			.withName("web")
			.edit(d -> new DeploymentBuilder(d).editSpec()
				.editTemplate()
				.editMetadata()
				.addToAnnotations(USAGE, "10m")
				.endMetadata()
				.endTemplate()
				.endSpec()
				.build());
		long idle = System.nanoTime();
		await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			assertThat(replicas(ns)).isEqualTo(1);
		});
		System.out.printf("hpa-real-metrics: scaled 4 -> 1 %.1f s after the template said 10m%n",
				(System.nanoTime() - idle) / 1e9);
		assertThat(client.v1().events().inNamespace(ns).list().getItems())
			.anySatisfy(e -> assertThat(e.getMessage())
				.isEqualTo("New size: 4; reason: cpu resource utilization (percentage of request) above target"))
			.anySatisfy(e -> assertThat(e.getMessage()).startsWith("New size: 1; reason: All metrics below target"));
	}

	private static int replicas(String ns) {
		return client.apps().deployments().inNamespace(ns).withName("web").get().getSpec().getReplicas();
	}

	private static Deployment deployment(String usage) {
		return new DeploymentBuilder().withNewMetadata()
			.withName("web")
			.endMetadata()
			.withNewSpec()
			.withReplicas(1)
			.withNewSelector()
			.addToMatchLabels("app", "web")
			.endSelector()
			.withNewTemplate()
			.withNewMetadata()
			.addToLabels("app", "web")
			.addToAnnotations(Map.of(USAGE, usage))
			.endMetadata()
			.withNewSpec()
			.withNodeName(NODE)
			.addNewContainer()
			.withName("app")
			.withImage("busybox")
			.withCommand("sleep", "100000")
			.withNewResources()
			.addToRequests("cpu", new Quantity("200m"))
			.endResources()
			.endContainer()
			.endSpec()
			.endTemplate()
			.endSpec()
			.build();
	}

}
