package io.stevedore.controller.horizontalpodautoscaler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.client.rest.RestClient;
import io.stevedore.controller.deployment.FakeKubelet;
import io.stevedore.controller.support.ControlPlane;
import io.stevedore.controller.workload.ClientEventRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The HPA sync against the real apiserver, Deployment and ReplicaSet controllers: the HPA
 * created by the real {@code kubectl autoscale}, scale written through the Deployment's
 * /scale subresource, status, events and {@code kubectl get hpa}. Pod usage comes from a
 * test metrics source (no node agent runs here), so the test drives the syncs itself with
 * a short stabilization window; the HPA controller of the controller-service is switched
 * off so it does not act on the same HPA.
 */
class HorizontalPodAutoscalerIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	static Path dataDir;

	static ControlPlane plane;

	static KubernetesClient client;

	@BeforeAll
	static void start() {
		plane = ControlPlane.start(dataDir, "--stevedore.controllers.enabled=*,-horizontalpodautoscaling");
		client = plane.client();
	}

	@AfterAll
	static void stop() {
		client.close();
		plane.close();
	}

	@Test
	void aBusyDeploymentScalesUpAndScalesBackDownAfterTheStabilizationWindow() throws Exception {
		String ns = "hpa-" + Long.toHexString(System.nanoTime()).substring(0, 6);
		kubectl("create", "namespace", ns);
		client.apps()
			.deployments()
			.inNamespace(ns)
			.resource(new DeploymentBuilder().withNewMetadata()
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
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName("app")
				.withImage("busybox")
				.withNewResources()
				.addToRequests("cpu", new Quantity("100m"))
				.endResources()
				.endContainer()
				.endSpec()
				.endTemplate()
				.endSpec()
				.build())
			.create();
		// What kubectl autoscale deployment web --cpu-percent=50 --min=1 --max=5 creates,
		// as the v2 object it is stored as (HorizontalPodAutoscalerRealMetricsIT runs
		// kubectl autoscale itself).
		client.autoscaling()
			.v2()
			.horizontalPodAutoscalers()
			.inNamespace(ns)
			.resource(new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder()
				.withNewMetadata()
				.withName("web")
				.endMetadata()
				.withNewSpec()
				.withNewScaleTargetRef("apps/v1", "Deployment", "web")
				.withMinReplicas(1)
				.withMaxReplicas(5)
				.addNewMetric()
				.withType("Resource")
				.withNewResource()
				.withName("cpu")
				.withNewTarget()
				.withType("Utilization")
				.withAverageUtilization(50)
				.endTarget()
				.endResource()
				.endMetric()
				.endSpec()
				.build())
			.create();

		Map<String, Long> usagePerPod = new HashMap<>();
		long[] perPod = { 200 };
		MetricsSource metrics = (namespace, selector, resource) -> {
			Map<String, PodMetric> result = new HashMap<>();
			client.pods().inNamespace(namespace).withLabelSelector(selector).list().getItems().forEach((p) -> {
				result.put(p.getMetadata().getName(), new PodMetric(perPod[0], Instant.now(), Duration.ZERO));
				usagePerPod.put(p.getMetadata().getName(), perPod[0]);
			});
			return result;
		};
		HpaSettings settings = new HpaSettings(Duration.ofSeconds(1), 0.1, Duration.ofMinutes(5),
				Duration.ofSeconds(30), Duration.ofSeconds(3));
		HpaSync sync = new HpaSync(
				(key) -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName("web").get(),
				new ClientHpaControl(client, new RestClient(client)), metrics, settings,
				new ClientEventRecorder(client, "horizontal-pod-autoscaler", Clock.systemUTC()), Clock.systemUTC());

		// When the last busy sync began: its recommendation of 4 is no older than this.
		Instant[] lastBusySync = new Instant[1];
		try (FakeKubelet kubelet = FakeKubelet.start(client, ns, Duration.ZERO)) {
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
				lastBusySync[0] = Instant.now();
				trySync(sync, ns);
				assertThat(client.apps().deployments().inNamespace(ns).withName("web").get().getSpec().getReplicas())
					.isEqualTo(4);
			});
			HorizontalPodAutoscaler hpa = client.autoscaling()
				.v2()
				.horizontalPodAutoscalers()
				.inNamespace(ns)
				.withName("web")
				.get();
			assertThat(hpa.getStatus().getDesiredReplicas()).isEqualTo(4);
			assertThat(hpa.getStatus().getLastScaleTime()).isNotNull();
			assertThat(hpa.getStatus().getCurrentMetrics().get(0).getResource().getCurrent().getAverageUtilization())
				.isEqualTo(200);
			assertThat(client.v1().events().inNamespace(ns).list().getItems()).anySatisfy((e) -> {
				assertThat(e.getReason()).isEqualTo("SuccessfulRescale");
				assertThat(e.getMessage())
					.isEqualTo("New size: 4; reason: cpu resource utilization (percentage of request) above target");
			});
			String table = kubectl("-n", ns, "get", "hpa");
			assertThat(table).contains("REFERENCE").contains("TARGETS").contains("Deployment/web");
			assertThat(table).contains("cpu: 200%/50%");

			perPod[0] = 10;
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
				trySync(sync, ns);
				assertThat(client.apps().deployments().inNamespace(ns).withName("web").get().getSpec().getReplicas())
					.isEqualTo(1);
			});
			// The busy recommendation of 4 held the count for the 3 s window, counted
			// from
			// that sync (not from the switch to idle, which came a kubectl call later).
			assertThat(Duration.between(lastBusySync[0], Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
		}
	}

	@Test
	void anHpaWithMinReplicasAboveMaxReplicasIsRefusedNamingTheFieldAndNotStored() {
		String ns = "hpa-bad-" + Long.toHexString(System.nanoTime()).substring(0, 6);
		client.namespaces()
			.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
				.withName(ns)
				.endMetadata()
				.build())
			.create();
		var bad = new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder().withNewMetadata()
			.withName("bad")
			.endMetadata()
			.withNewSpec()
			.withNewScaleTargetRef("apps/v1", "Deployment", "web")
			.withMinReplicas(5)
			.withMaxReplicas(2)
			.endSpec()
			.build();
		assertThatExceptionOfType(KubernetesClientException.class)
			.isThrownBy(
					() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).resource(bad).create())
			.satisfies((ex) -> {
				assertThat(ex.getCode()).isEqualTo(422);
				assertThat(ex.getStatus().getMessage()).contains("spec.maxReplicas");
			});
		assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).list().getItems()).isEmpty();
	}

	/**
	 * A failed sync (pods not ready yet) is retried by the next poll, as the queue would.
	 */
	private static void trySync(HpaSync sync, String ns) {
		try {
			sync.reconcile(ns + "/web");
		}
		catch (RuntimeException ex) {
			// the next poll looks again
		}
	}

	private static String kubectl(String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("kubectl", "--server=" + plane.url(), "--kubeconfig=/dev/null"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as("kubectl %s: %s", String.join(" ", args), output).isZero();
		return output;
	}

}
