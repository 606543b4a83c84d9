package io.stevedore.controller.endpoints;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stevedore.controller.deployment.FakeKubelet;
import io.stevedore.controller.support.ControlPlaneTest;
import io.stevedore.controller.workload.PodStates;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Deployment behind a Service, against the real apiserver: Endpoints and EndpointSlices
 * follow the pods' readiness.
 */
class EndpointsIT extends ControlPlaneTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Test
	void endpointsListTheReadyPodIpsOfAServiceOnTheNamedTargetPort() {
		String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		try (FakeKubelet kubelet = FakeKubelet.start(client, ns, Duration.ZERO)) {
			kubelet.readyWhen(pod -> false);
			var deployment = io.stevedore.controller.deployment.TestDeployments.deployment("web", 3, "nginx");
			deployment.getSpec()
				.getTemplate()
				.getSpec()
				.getContainers()
				.get(0)
				.setPorts(List.of(new io.fabric8.kubernetes.api.model.ContainerPortBuilder().withName("http")
					.withContainerPort(8080)
					.build()));
			client.apps().deployments().inNamespace(ns).resource(deployment).create();
			client.services()
				.inNamespace(ns)
				.resource(new ServiceBuilder().withNewMetadata()
					.withName("web")
					.endMetadata()
					.withNewSpec()
					.addToSelector("app", "web")
					.addNewPort()
					.withName("http")
					.withPort(80)
					.withTargetPort(new IntOrString("http"))
					.endPort()
					.endSpec()
					.build())
				.create();
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(
						client.pods().inNamespace(ns).list().getItems().stream().filter(PodStates::isActive).toList())
					.hasSize(3));

			kubelet.readyWhen(pod -> true);

			await().atMost(TIMEOUT).untilAsserted(() -> {
				List<Pod> pods = client.pods().inNamespace(ns).list().getItems();
				List<String> podIps = pods.stream()
					.filter(PodStates::isReady)
					.map(p -> p.getStatus().getPodIP())
					.sorted()
					.toList();
				assertThat(podIps).hasSize(3);
				Endpoints endpoints = client.endpoints().inNamespace(ns).withName("web").get();
				assertThat(endpoints).isNotNull();
				assertThat(endpoints.getSubsets()).singleElement().satisfies(subset -> {
					assertThat(subset.getAddresses()).extracting(EndpointAddress::getIp)
						.containsExactlyElementsOf(podIps);
					assertThat(subset.getNotReadyAddresses()).isNullOrEmpty();
					assertThat(subset.getPorts()).singleElement().satisfies(port -> {
						assertThat(port.getName()).isEqualTo("http");
						assertThat(port.getPort()).isEqualTo(8080);
					});
				});
				List<EndpointSlice> slices = client.discovery()
					.v1()
					.endpointSlices()
					.inNamespace(ns)
					.withLabel("kubernetes.io/service-name", "web")
					.list()
					.getItems();
				assertThat(slices).singleElement().satisfies(slice -> {
					assertThat(slice.getAddressType()).isEqualTo("IPv4");
					assertThat(slice.getPorts()).singleElement()
						.satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));
					assertThat(slice.getEndpoints()).hasSize(3)
						.allSatisfy(e -> assertThat(e.getConditions().getReady()).isTrue());
				});
			});

			Pod one = client.pods().inNamespace(ns).list().getItems().get(0);
			one.getStatus().getConditions().forEach(c -> c.setStatus("False"));
			kubelet.readyWhen(pod -> !pod.getMetadata().getName().equals(one.getMetadata().getName()));
			client.pods().inNamespace(ns).resource(one).updateStatus();

			await().atMost(TIMEOUT).untilAsserted(() -> {
				Endpoints endpoints = client.endpoints().inNamespace(ns).withName("web").get();
				assertThat(endpoints.getSubsets()).singleElement().satisfies(subset -> {
					assertThat(subset.getAddresses()).hasSize(2);
					assertThat(subset.getNotReadyAddresses()).singleElement()
						.satisfies(a -> assertThat(a.getTargetRef().getName()).isEqualTo(one.getMetadata().getName()));
				});
			});
		}
	}

}
