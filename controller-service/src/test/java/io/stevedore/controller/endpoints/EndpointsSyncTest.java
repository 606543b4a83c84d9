package io.stevedore.controller.endpoints;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.stevedore.controller.replicaset.InMemoryLister;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointsSyncTest {

	static final String NS = "shop";

	final InMemoryLister<Service> services = new InMemoryLister<>();

	final InMemoryLister<Pod> pods = new InMemoryLister<>();

	final InMemoryLister<Endpoints> endpoints = new InMemoryLister<>();

	final List<Endpoints> written = new ArrayList<>();

	final List<String> deleted = new ArrayList<>();

	final EndpointsSync sync = new EndpointsSync(this.services, this.pods, this.endpoints, new EndpointsWrites() {
		@Override
		public void create(Endpoints e) {
			EndpointsSyncTest.this.written.add(e);
		}

		@Override
		public void update(Endpoints e) {
			EndpointsSyncTest.this.written.add(e);
		}

		@Override
		public void delete(String namespace, String name) {
			EndpointsSyncTest.this.deleted.add(name);
		}
	});

	@Test
	void readyPodsAreAddressesAndOthersNotReadyAddressesSortedByIp() {
		this.services.put(service("web", new IntOrString(8080)));
		this.pods.put(pod("b", "10.0.0.2", true)).put(pod("a", "10.0.0.9", true)).put(pod("c", "10.0.0.5", false));

		this.sync.reconcile("shop/web");

		EndpointSubset subset = onlySubset();
		assertThat(subset.getAddresses()).extracting(EndpointAddress::getIp).containsExactly("10.0.0.2", "10.0.0.9");
		assertThat(subset.getNotReadyAddresses()).extracting(EndpointAddress::getIp).containsExactly("10.0.0.5");
		assertThat(subset.getAddresses().get(0).getTargetRef()).satisfies(ref -> {
			assertThat(ref.getKind()).isEqualTo("Pod");
			assertThat(ref.getName()).isEqualTo("b");
		});
		assertThat(subset.getPorts()).singleElement().satisfies(p -> {
			assertThat(p.getPort()).isEqualTo(8080);
			assertThat(p.getName()).isEqualTo("http");
			assertThat(p.getProtocol()).isEqualTo("TCP");
		});
	}

	@Test
	void aNamedTargetPortResolvesPerPodAndPodsWithDifferentNumbersGetSubsetsOfTheirOwn() {
		this.services.put(service("web", new IntOrString("http")));
		this.pods.put(withPort(pod("a", "10.0.0.1", true), 8080))
			.put(withPort(pod("b", "10.0.0.2", true), 9090))
			.put(pod("no-such-port", "10.0.0.3", true));

		this.sync.reconcile("shop/web");

		assertThat(this.written.get(0).getSubsets()).hasSize(2)
			.extracting(s -> s.getPorts().get(0).getPort() + "=" + s.getAddresses().get(0).getIp())
			.containsExactlyInAnyOrder("8080=10.0.0.1", "9090=10.0.0.2");
	}

	@Test
	void publishNotReadyAddressesListsNotReadyPodsAsAddresses() {
		Service service = service("web", new IntOrString(80));
		service.getSpec().setPublishNotReadyAddresses(true);
		this.services.put(service);
		this.pods.put(pod("a", "10.0.0.1", false));

		this.sync.reconcile("shop/web");

		assertThat(onlySubset().getAddresses()).extracting(EndpointAddress::getIp).containsExactly("10.0.0.1");
		assertThat(onlySubset().getNotReadyAddresses()).isNullOrEmpty();
	}

	@Test
	void terminatingPodsWithoutAnIpAndFinishedPodsAreLeftOut() {
		this.services.put(service("web", new IntOrString(80)));
		Pod terminating = pod("terminating", "10.0.0.1", true);
		terminating.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
		Pod noIp = pod("no-ip", null, false);
		Pod finished = pod("finished", "10.0.0.3", false);
		finished.getStatus().setPhase("Succeeded");
		this.pods.put(terminating).put(noIp).put(finished).put(pod("ok", "10.0.0.4", true));

		this.sync.reconcile("shop/web");

		assertThat(onlySubset().getAddresses()).extracting(EndpointAddress::getIp).containsExactly("10.0.0.4");
		assertThat(onlySubset().getNotReadyAddresses()).isNullOrEmpty();
	}

	@Test
	void aHeadlessServiceWithoutPortsListsAddressesWithHostnamesOfItsSubdomain() {
		Service service = service("db", null);
		service.getSpec().setPorts(List.of());
		service.getSpec().setClusterIP("None");
		service.getSpec().setSelector(Map.of("app", "web"));
		this.services.put(service);
		Pod named = pod("db-0", "10.0.0.7", true);
		named.getSpec().setHostname("db-0");
		named.getSpec().setSubdomain("db");
		this.pods.put(named);

		this.sync.reconcile("shop/db");

		Endpoints e = this.written.get(0);
		assertThat(e.getMetadata().getLabels()).containsEntry("service.kubernetes.io/headless", "");
		assertThat(e.getSubsets()).singleElement().satisfies(subset -> {
			assertThat(subset.getPorts()).isNullOrEmpty();
			assertThat(subset.getAddresses()).singleElement()
				.satisfies(a -> assertThat(a.getHostname()).isEqualTo("db-0"));
		});
	}

	@Test
	void aServiceWithoutSelectorIsLeftToTheUser() {
		Service service = service("external", new IntOrString(80));
		service.getSpec().setSelector(null);
		this.services.put(service);

		this.sync.reconcile("shop/external");

		assertThat(this.written).isEmpty();
	}

	@Test
	void unchangedEndpointsAreNotWrittenAgain() {
		this.services.put(service("web", new IntOrString(80)));
		this.pods.put(pod("a", "10.0.0.1", true));
		this.sync.reconcile("shop/web");
		Endpoints stored = this.written.get(0);
		stored.getMetadata().setResourceVersion("5");
		this.endpoints.put(stored);

		this.sync.reconcile("shop/web");

		assertThat(this.written).hasSize(1);
	}

	@Test
	void theEndpointsOfADeletedServiceAreDeleted() {
		this.endpoints.put(new io.fabric8.kubernetes.api.model.EndpointsBuilder().withNewMetadata()
			.withName("gone")
			.withNamespace(NS)
			.endMetadata()
			.build());

		this.sync.reconcile("shop/gone");

		assertThat(this.deleted).containsExactly("gone");
	}

	@Test
	void moreThanAThousandAddressesAreTruncatedNotReadyFirstAndMarkedOverCapacity() {
		this.services.put(service("web", new IntOrString(80)));
		for (int i = 0; i < 1100; i++) {
			this.pods.put(pod("p" + i, "10.1." + (i / 250) + "." + (i % 250), i < 950));
		}

		this.sync.reconcile("shop/web");

		Endpoints e = this.written.get(0);
		assertThat(e.getMetadata().getAnnotations()).containsEntry("endpoints.kubernetes.io/over-capacity",
				"truncated");
		assertThat(e.getSubsets()).singleElement().satisfies(subset -> {
			assertThat(subset.getAddresses()).as("every ready address kept").hasSize(950);
			assertThat(subset.getNotReadyAddresses()).hasSize(50);
		});
	}

	private EndpointSubset onlySubset() {
		assertThat(this.written).hasSize(1);
		assertThat(this.written.get(0).getSubsets()).hasSize(1);
		return this.written.get(0).getSubsets().get(0);
	}

	static Service service(String name, IntOrString targetPort) {
		return new ServiceBuilder().withNewMetadata()
			.withName(name)
			.withNamespace(NS)
			.withUid("svc-" + name)
			.endMetadata()
			.withNewSpec()
			.withClusterIP("10.96.0.10")
			.addToSelector("app", "web")
			.addNewPort()
			.withName("http")
			.withPort(80)
			.withProtocol("TCP")
			.withTargetPort(targetPort)
			.endPort()
			.endSpec()
			.build();
	}

	static Pod pod(String name, String ip, boolean ready) {
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace(NS)
			.withUid("uid-" + name)
			.withLabels(Map.of("app", "web"))
			.endMetadata()
			.withNewSpec()
			.withNodeName("node-1")
			.addNewContainer()
			.withName("app")
			.withImage("nginx")
			.endContainer()
			.endSpec()
			.withNewStatus()
			.withPhase("Running")
			.withPodIP(ip)
			.withConditions(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build())
			.endStatus()
			.build();
	}

	static Pod withPort(Pod pod, int containerPort) {
		pod.getSpec()
			.getContainers()
			.get(0)
			.setPorts(List.of(new ContainerPortBuilder().withName("http").withContainerPort(containerPort).build()));
		return pod;
	}

}
