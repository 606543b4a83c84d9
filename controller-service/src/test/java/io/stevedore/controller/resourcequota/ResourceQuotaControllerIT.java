package io.stevedore.controller.resourcequota;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.support.ControlPlane;
import io.stevedore.controller.support.TestPods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The resource quota controller alone against the real apiserver (a 2 s full resync); the
 * test plays the kubelet where a pod's phase matters.
 */
class ResourceQuotaControllerIT {

	@TempDir
	static Path dataDir;

	static ControlPlane plane;

	static KubernetesClient client;

	@BeforeAll
	static void startControlPlane() {
		plane = ControlPlane.start(dataDir, "--stevedore.controllers.enabled=resourcequota",
				"--stevedore.controllers.resourcequota.resync-period=2s");
		client = plane.client();
	}

	@AfterAll
	static void stopControlPlane() {
		client.close();
		plane.close();
	}

	@Test
	void usageFollowsThePodsServicesAndObjectsOfTheNamespace() {
		String ns = namespace();
		client.resourceQuotas()
			.inNamespace(ns)
			.resource(quota("compute",
					Map.of("pods", "5", "requests.cpu", "2", "requests.memory", "1Gi", "limits.memory", "2Gi",
							"configmaps", "10", "services", "3", "services.nodeports", "2", "secrets", "10",
							"count/deployments.apps", "2")))
			.create();

		awaitUsed(ns, "compute", Map.of("pods", "0", "requests.cpu", "0", "configmaps", "0", "services", "0",
				"count/deployments.apps", "0"));
		assertThat(client.resourceQuotas().inNamespace(ns).withName("compute").get().getStatus().getHard())
			.containsEntry("requests.memory", new Quantity("1Gi"));

		client.pods().inNamespace(ns).resource(pod("web", "500m", "256Mi")).create();
		client.configMaps()
			.inNamespace(ns)
			.resource(new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata().build())
			.create();
		client.services()
			.inNamespace(ns)
			.resource(new ServiceBuilder().withNewMetadata()
				.withName("web")
				.endMetadata()
				.withNewSpec()
				.withType("NodePort")
				.addNewPort()
				.withPort(80)
				.endPort()
				.endSpec()
				.build())
			.create();
		client.apps()
			.deployments()
			.inNamespace(ns)
			.resource(new DeploymentBuilder().withNewMetadata()
				.withName("web")
				.endMetadata()
				.withNewSpec()
				.withNewSelector()
				.withMatchLabels(Map.of("app", "web"))
				.endSelector()
				.withTemplate(TestPods.template(Map.of("app", "web")))
				.endSpec()
				.build())
			.create();

		awaitUsed(ns, "compute",
				Map.of("pods", "1", "requests.cpu", "500m", "requests.memory", "256Mi", "limits.memory", "256Mi",
						"configmaps", "1", "services", "1", "services.nodeports", "1", "count/deployments.apps", "1"));

		// The pod finishes: it no longer counts.
		Pod web = client.pods().inNamespace(ns).withName("web").get();
		web.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Succeeded").build());
		client.pods().inNamespace(ns).resource(web).updateStatus();

		awaitUsed(ns, "compute", Map.of("pods", "0", "requests.cpu", "0", "requests.memory", "0"));
	}

	@Test
	void aBestEffortQuotaCountsOnlyPodsWithoutRequestsOrLimits() {
		String ns = namespace();
		client.resourceQuotas()
			.inNamespace(ns)
			.resource(new ResourceQuotaBuilder(quota("best-effort", Map.of("pods", "3"))).editSpec()
				.withScopes("BestEffort")
				.endSpec()
				.build())
			.create();
		client.pods().inNamespace(ns).resource(pod("sized", "100m", "16Mi")).create();
		client.pods().inNamespace(ns).resource(pod("free", null, null)).create();

		awaitUsed(ns, "best-effort", Map.of("pods", "1"));
	}

	private static void awaitUsed(String ns, String name, Map<String, String> expected) {
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
			ResourceQuota quota = client.resourceQuotas().inNamespace(ns).withName(name).get();
			expected.forEach((resource, value) -> assertThat(quota.getStatus().getUsed().get(resource)).as(resource)
				.isEqualTo(new Quantity(value)));
		});
	}

	private static ResourceQuota quota(String name, Map<String, String> hard) {
		Map<String, Quantity> hardModel = new java.util.HashMap<>();
		hard.forEach((k, v) -> hardModel.put(k, new Quantity(v)));
		return new ResourceQuotaBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withHard(hardModel)
			.endSpec()
			.build();
	}

	private static Pod pod(String name, String cpu, String memory) {
		Map<String, Quantity> resources = new java.util.HashMap<>();
		if (cpu != null) {
			resources.put("cpu", new Quantity(cpu));
			resources.put("memory", new Quantity(memory));
		}
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withImage("busybox")
			.withNewResources()
			.withRequests(resources)
			.withLimits(resources)
			.endResources()
			.endContainer()
			.endSpec()
			.build();
	}

	private static String namespace() {
		String ns = "quota-" + UUID.randomUUID().toString().substring(0, 8);
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		return ns;
	}

}
