package io.stevedore.controller.endpoints;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stevedore.controller.replicaset.InMemoryLister;
import io.stevedore.machinery.defaulting.MiscDefaults;
import org.junit.jupiter.api.Test;

import static io.stevedore.controller.endpoints.EndpointsSyncTest.pod;
import static io.stevedore.controller.endpoints.EndpointsSyncTest.service;
import static org.assertj.core.api.Assertions.assertThat;

class EndpointSliceSyncTest {

	final InMemoryLister<Service> services = new InMemoryLister<>();

	final InMemoryLister<Pod> pods = new InMemoryLister<>();

	final InMemoryLister<EndpointSlice> slices = new InMemoryLister<>();

	final List<EndpointSlice> created = new ArrayList<>();

	final List<EndpointSlice> updated = new ArrayList<>();

	final List<String> deleted = new ArrayList<>();

	final EndpointSliceSync sync = new EndpointSliceSync(this.services, this.pods, this.slices,
			new EndpointSliceWrites() {
				@Override
				public void create(EndpointSlice slice) {
					EndpointSliceSyncTest.this.created.add(slice);
				}

				@Override
				public void update(EndpointSlice slice) {
					EndpointSliceSyncTest.this.updated.add(slice);
				}

				@Override
				public void delete(EndpointSlice slice) {
					EndpointSliceSyncTest.this.deleted.add(slice.getMetadata().getName());
				}
			});

	@Test
	void aSliceOwnedByTheServiceCarriesReadyServingAndTerminatingConditions() {
		this.services.put(service("web", new IntOrString(8080)));
		Pod terminating = pod("terminating", "10.0.0.3", true);
		terminating.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
		this.pods.put(pod("ready", "10.0.0.1", true)).put(pod("not-ready", "10.0.0.2", false)).put(terminating);

		this.sync.reconcile("shop/web");

		assertThat(this.created).singleElement().satisfies(slice -> {
			assertThat(slice.getMetadata().getGenerateName()).isEqualTo("web-");
			assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "web")
				.containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
			assertThat(slice.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
				assertThat(ref.getKind()).isEqualTo("Service");
				assertThat(ref.getController()).isTrue();
			});
			assertThat(slice.getAddressType()).isEqualTo("IPv4");
			assertThat(slice.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));
			assertThat(slice.getEndpoints()).extracting(EndpointSliceSyncTest::describe)
				.containsExactly("10.0.0.1 ready=true serving=true terminating=false",
						"10.0.0.2 ready=false serving=false terminating=false",
						"10.0.0.3 ready=false serving=true terminating=true");
		});
	}

	@Test
	void publishNotReadyAddressesMakesEveryEndpointReady() {
		Service service = service("web", new IntOrString(80));
		service.getSpec().setPublishNotReadyAddresses(true);
		this.services.put(service);
		this.pods.put(pod("not-ready", "10.0.0.2", false));

		this.sync.reconcile("shop/web");

		assertThat(this.created.get(0).getEndpoints()).extracting(EndpointSliceSyncTest::describe)
			.containsExactly("10.0.0.2 ready=true serving=false terminating=false");
	}

	@Test
	void moreThanAHundredEndpointsAreSplitOverSlices() {
		this.services.put(service("web", new IntOrString(80)));
		for (int i = 0; i < 150; i++) {
			this.pods.put(pod("p" + i, "10.0." + (i / 200) + "." + (i % 200), true));
		}

		this.sync.reconcile("shop/web");

		assertThat(this.created).hasSize(2).extracting(s -> s.getEndpoints().size()).containsExactly(100, 50);
	}

	@Test
	void anExistingSliceIsUpdatedInPlaceAndExtraOnesDeleted() {
		this.services.put(service("web", new IntOrString(80)));
		this.pods.put(pod("a", "10.0.0.1", true));
		this.sync.reconcile("shop/web");
		EndpointSlice first = this.created.get(0);
		first.getMetadata().setName("web-abcde");
		first.getMetadata().setNamespace("shop");
		EndpointSlice extra = io.fabric8.kubernetes.client.utils.Serialization.clone(first);
		extra.getMetadata().setName("web-zzzzz");
		this.slices.put(first).put(extra);
		this.pods.put(pod("b", "10.0.0.2", true));

		this.sync.reconcile("shop/web");

		assertThat(this.updated).singleElement().satisfies(s -> {
			assertThat(s.getMetadata().getName()).isEqualTo("web-abcde");
			assertThat(s.getEndpoints()).hasSize(2);
		});
		assertThat(this.deleted).containsExactly("web-zzzzz");
		assertThat(this.created).hasSize(1);
	}

	@Test
	void aSliceAsTheApiServerStoredItNeedsNoFurtherWritesForAnUnnamedPort() {
		Service service = service("web", new IntOrString(8080));
		service.getSpec().getPorts().forEach(p -> p.setName(null));
		this.services.put(service);
		this.pods.put(pod("a", "10.0.0.1", true));
		this.sync.reconcile("shop/web");
		EndpointSlice stored = this.created.get(0);
		stored.getMetadata().setName("web-abcde");
		stored.getMetadata().setNamespace("shop");
		MiscDefaults.endpointSlice(stored);
		this.slices.put(stored);
		this.created.clear();

		this.sync.reconcile("shop/web");

		assertThat(stored.getPorts()).singleElement().satisfies(p -> assertThat(p.getName()).isEmpty());
		assertThat(this.created).isEmpty();
		assertThat(this.updated).isEmpty();
		assertThat(this.deleted).isEmpty();
	}

	@Test
	void aServiceWithNoPodsStillGetsOneEmptySlice() {
		this.services.put(service("web", new IntOrString(80)));

		this.sync.reconcile("shop/web");

		assertThat(this.created).singleElement().satisfies(s -> assertThat(s.getEndpoints()).isEmpty());
	}

	private static String describe(Endpoint e) {
		return e.getAddresses().get(0) + " ready=" + e.getConditions().getReady() + " serving="
				+ e.getConditions().getServing() + " terminating=" + e.getConditions().getTerminating();
	}

}
