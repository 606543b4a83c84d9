package io.stevedore.controller.horizontalpodautoscaler;

import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.deployment.FakeKubelet;
import io.stevedore.controller.support.ControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HPA controller as the controller-service runs it (Spring wiring, settings,
 * informer, metrics.k8s.io through the apiserver). No node agent runs here, so the
 * apiserver has no PodMetrics: the HPA must say so as Kubernetes does and leave the
 * Deployment alone; a Deployment above maxReplicas is brought down without metrics.
 */
class HorizontalPodAutoscalerControllerIT {

	@TempDir
	static Path dataDir;

	static ControlPlane plane;

	static KubernetesClient client;

	@BeforeAll
	static void start() {
		plane = ControlPlane.start(dataDir, "--stevedore.controllers.horizontal-pod-autoscaler.sync-period=1s");
		client = plane.client();
	}

	@AfterAll
	static void stop() {
		client.close();
		plane.close();
	}

	@Test
	void withoutPodMetricsTheHpaReportsFailedGetResourceMetricAndBringsAnOversizedTargetToMaxReplicas() {
		String ns = "hpa-ctl";
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		client.apps()
			.deployments()
			.inNamespace(ns)
			.resource(new DeploymentBuilder().withNewMetadata()
				.withName("web")
				.endMetadata()
				.withNewSpec()
				.withReplicas(2)
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
		try (FakeKubelet kubelet = FakeKubelet.start(client, ns, Duration.ZERO)) {
			client.autoscaling()
				.v2()
				.horizontalPodAutoscalers()
				.inNamespace(ns)
				.resource(new HorizontalPodAutoscalerBuilder().withNewMetadata()
					.withName("web")
					.endMetadata()
					.withNewSpec()
					.withNewScaleTargetRef("apps/v1", "Deployment", "web")
					.withMaxReplicas(3)
					.endSpec()
					.build())
				.create();

			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				HorizontalPodAutoscaler hpa = client.autoscaling()
					.v2()
					.horizontalPodAutoscalers()
					.inNamespace(ns)
					.withName("web")
					.get();
				assertThat(hpa.getStatus()).isNotNull();
				assertThat(hpa.getStatus().getConditions()).anySatisfy((c) -> {
					assertThat(c.getType()).isEqualTo("ScalingActive");
					assertThat(c.getStatus()).isEqualTo("False");
					assertThat(c.getReason()).isEqualTo("FailedGetResourceMetric");
					assertThat(c.getMessage()).startsWith("the HPA was unable to compute the replica count: ");
				});
				assertThat(hpa.getStatus().getCurrentReplicas()).isEqualTo(2);
			});
			assertThat(client.apps().deployments().inNamespace(ns).withName("web").get().getSpec().getReplicas())
				.isEqualTo(2);

			client.apps().deployments().inNamespace(ns).withName("web").scale(5);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(
						client.apps().deployments().inNamespace(ns).withName("web").get().getSpec().getReplicas())
					.isEqualTo(3));
		}
	}

}
