package io.stevedore.controller.resourcequota;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.controller.replicaset.InMemoryLister;
import io.stevedore.machinery.quota.NamespaceObjects;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceQuotaSyncTest {

	final FakeClock clock = new FakeClock(Instant.parse("2026-06-01T10:00:00Z"));

	final InMemoryLister<ResourceQuota> quotas = new InMemoryLister<>();

	final List<Pod> pods = new ArrayList<>();

	final List<Service> services = new ArrayList<>();

	final List<PersistentVolumeClaim> claims = new ArrayList<>();

	final Map<String, Long> counts = new HashMap<>();

	final List<ResourceQuota> written = new ArrayList<>();

	final NamespaceObjects objects = new NamespaceObjects() {
		@Override
		public List<Pod> pods(String namespace) {
			return ResourceQuotaSyncTest.this.pods;
		}

		@Override
		public List<Service> services(String namespace) {
			return ResourceQuotaSyncTest.this.services;
		}

		@Override
		public List<PersistentVolumeClaim> persistentVolumeClaims(String namespace) {
			return ResourceQuotaSyncTest.this.claims;
		}

		@Override
		public Long count(String namespace, String groupResource) {
			return ResourceQuotaSyncTest.this.counts.get(groupResource);
		}
	};

	final ResourceQuotaSync sync = new ResourceQuotaSync(this.quotas, this.objects, q -> {
		this.written.add(q);
		this.quotas.put(q);
		return q;
	}, this.clock);

	@Test
	void computeUsageSumsRequestsAndLimitsOfNonTerminalPodsWithCpuAndMemoryAsRequests() {
		this.pods.add(pod("a", "250m", "64Mi", "500m", "128Mi"));
		this.pods.add(pod("b", "250m", "64Mi", null, null));
		Pod done = pod("done", "4", "4Gi", "4", "4Gi");
		done.getStatus().setPhase("Succeeded");
		this.pods.add(done);
		quota("q", Map.of("pods", "10", "requests.cpu", "2", "cpu", "2", "requests.memory", "1Gi", "memory", "1Gi",
				"limits.cpu", "4", "limits.memory", "2Gi", "count/pods", "5"));

		this.sync.reconcile("default/q");

		assertThat(used()).containsEntry("pods", "2")
			.containsEntry("count/pods", "2")
			.containsEntry("requests.cpu", "500m")
			.containsEntry("cpu", "500m")
			.containsEntry("requests.memory", "128Mi")
			.containsEntry("memory", "128Mi")
			.containsEntry("limits.cpu", "500m")
			.containsEntry("limits.memory", "128Mi");
		assertThat(this.written.get(0).getStatus().getHard()).containsEntry("requests.memory", new Quantity("1Gi"));
	}

	@Test
	void anInitContainerCountsWhenItAsksMoreThanTheContainersTogether() {
		Pod pod = pod("a", "100m", "10Mi", null, null);
		pod.getSpec()
			.setInitContainers(List.of(new ContainerBuilder().withName("init")
				.withNewResources()
				.withRequests(Map.of("cpu", new Quantity("1")))
				.endResources()
				.build()));
		this.pods.add(pod);
		quota("q", Map.of("requests.cpu", "4", "requests.memory", "1Gi"));

		this.sync.reconcile("default/q");

		assertThat(used()).containsEntry("requests.cpu", "1").containsEntry("requests.memory", "10Mi");
	}

	@Test
	void aPodPastItsDeletionGracePeriodNoLongerCounts() {
		Pod going = pod("going", "1", "1Gi", null, null);
		going.getMetadata().setDeletionTimestamp("2026-06-01T09:59:00Z");
		going.getMetadata().setDeletionGracePeriodSeconds(30L);
		Pod terminating = pod("terminating", "1", "1Gi", null, null);
		terminating.getMetadata().setDeletionTimestamp("2026-06-01T09:59:50Z");
		terminating.getMetadata().setDeletionGracePeriodSeconds(30L);
		this.pods.add(going);
		this.pods.add(terminating);
		quota("q", Map.of("pods", "10"));

		this.sync.reconcile("default/q");

		assertThat(used()).containsEntry("pods", "1");
	}

	@Test
	void scopesSelectPodsAndLeaveOtherResourcesAtZero() {
		Pod bestEffort = pod("be", null, null, null, null);
		Pod job = pod("job", "1", null, null, null);
		job.getSpec().setActiveDeadlineSeconds(60L);
		Pod high = pod("high", "2", null, null, null);
		high.getSpec().setPriorityClassName("high");
		this.pods.addAll(List.of(bestEffort, job, high));
		quota("best-effort", Map.of("pods", "5"), List.of("BestEffort"), null);
		quota("terminating", Map.of("pods", "5", "requests.cpu", "5"), List.of("Terminating"), null);
		quota("not-terminating", Map.of("pods", "5"), List.of("NotTerminating", "NotBestEffort"), null);
		quota("priority", Map.of("pods", "5", "requests.cpu", "5"), List.of(), List.of("In", "high"));
		quota("not-high", Map.of("pods", "5"), List.of(), List.of("NotIn", "high"));

		for (String q : List.of("best-effort", "terminating", "not-terminating", "priority", "not-high")) {
			this.sync.reconcile("default/" + q);
		}

		assertThat(usedOf("best-effort")).containsEntry("pods", "1");
		assertThat(usedOf("terminating")).containsEntry("pods", "1").containsEntry("requests.cpu", "1");
		assertThat(usedOf("not-terminating")).containsEntry("pods", "1");
		assertThat(usedOf("priority")).containsEntry("pods", "1").containsEntry("requests.cpu", "2");
		assertThat(usedOf("not-high")).containsEntry("pods", "2");
	}

	@Test
	void servicesCountNodePortsAndLoadBalancers() {
		this.services.add(service("cluster", "ClusterIP", 2, null));
		this.services.add(service("np", "NodePort", 2, null));
		this.services.add(service("lb", "LoadBalancer", 1, null));
		this.services.add(service("lb-no-ports", "LoadBalancer", 3, false));
		quota("q", Map.of("services", "10", "services.nodeports", "10", "services.loadbalancers", "2", "count/services",
				"10"));

		this.sync.reconcile("default/q");

		assertThat(used()).containsEntry("services", "4")
			.containsEntry("count/services", "4")
			.containsEntry("services.nodeports", "4")
			.containsEntry("services.loadbalancers", "2");
	}

	@Test
	void objectCountsClaimsAndStorageClasses() {
		this.counts.put("configmaps", 3L);
		this.counts.put("secrets", 2L);
		this.counts.put("deployments.apps", 1L);
		this.claims.add(claim("data", "fast", "1Gi"));
		this.claims.add(claim("logs", null, "512Mi"));
		quota("q",
				Map.of("configmaps", "10", "count/secrets", "10", "count/deployments.apps", "4",
						"persistentvolumeclaims", "5", "requests.storage", "10Gi",
						"fast.storageclass.storage.k8s.io/requests.storage", "5Gi", "count/widgets.example.com", "1",
						"something-unknown", "1"));

		this.sync.reconcile("default/q");

		assertThat(used()).containsEntry("configmaps", "3")
			.containsEntry("count/secrets", "2")
			.containsEntry("count/deployments.apps", "1")
			.containsEntry("persistentvolumeclaims", "2")
			.containsEntry("requests.storage", "1536Mi")
			.containsEntry("fast.storageclass.storage.k8s.io/requests.storage", "1Gi")
			.as("resources nobody serves or knows get no usage, as Kubernetes")
			.doesNotContainKeys("count/widgets.example.com", "something-unknown");
	}

	@Test
	void anUpToDateStatusIsNotWrittenAgainButAChangeIs() {
		this.pods.add(pod("a", "1", null, null, null));
		quota("q", Map.of("pods", "10"));
		this.sync.reconcile("default/q");
		this.sync.reconcile("default/q");
		assertThat(this.written).hasSize(1);

		this.pods.add(pod("b", "1", null, null, null));
		this.sync.reconcile("default/q");

		assertThat(this.written).hasSize(2);
		assertThat(used()).containsEntry("pods", "2");
	}

	@Test
	void aRecountForANewObjectKeepsAChargeAdmissionMadeForAPodNotYetInTheCache() {
		this.pods.add(pod("a", "1", null, null, null));
		quota("q", Map.of("pods", "3", "requests.cpu", "4"));
		this.sync.reconcile("default/q");
		// Admission charged two more pods; the cache has not seen them yet.
		ResourceQuota charged = this.quotas.get("default", "q");
		charged.getStatus().setUsed(Map.of("pods", new Quantity("3"), "requests.cpu", new Quantity("3")));
		this.quotas.put(charged);
		this.written.clear();

		this.sync.reconcile(ResourceQuotaSync.raiseOnlyKey("default/q"));
		assertThat(this.written).isEmpty();

		this.sync.reconcile("default/q");
		assertThat(used()).containsEntry("pods", "1").containsEntry("requests.cpu", "1");
	}

	@Test
	void aRecountForANewObjectRaisesUsageOfAnObjectWrittenWithoutAdmission() {
		quota("q", Map.of("pods", "3"));
		this.sync.reconcile("default/q");
		this.pods.add(pod("a", "1", null, null, null));

		this.sync.reconcile(ResourceQuotaSync.raiseOnlyKey("default/q"));

		assertThat(used()).containsEntry("pods", "1");
	}

	@Test
	void aConflictFromAStaleCacheIsLookedAtAgainSoonWithoutFailing() {
		quota("q", Map.of("pods", "10"));
		ResourceQuotaSync conflicting = new ResourceQuotaSync(this.quotas, this.objects, q -> {
			throw new io.fabric8.kubernetes.client.KubernetesClientException("the object has been modified", 409, null);
		}, this.clock);

		assertThat(conflicting.reconcile("default/q").requeueAfter()).isEqualTo(ResourceQuotaSync.CONFLICT_RETRY);
	}

	private Map<String, String> used() {
		Map<String, String> result = new HashMap<>();
		this.written.get(this.written.size() - 1).getStatus().getUsed().forEach((k, v) -> result.put(k, v.toString()));
		return result;
	}

	private Map<String, String> usedOf(String name) {
		Map<String, String> result = new HashMap<>();
		this.quotas.get("default", name).getStatus().getUsed().forEach((k, v) -> result.put(k, v.toString()));
		return result;
	}

	private void quota(String name, Map<String, String> hard) {
		quota(name, hard, List.of(), null);
	}

	private void quota(String name, Map<String, String> hard, List<String> scopes, List<String> priorityIn) {
		Map<String, Quantity> hardModel = new HashMap<>();
		hard.forEach((k, v) -> hardModel.put(k, new Quantity(v)));
		ResourceQuotaBuilder builder = new ResourceQuotaBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.withHard(hardModel)
			.withScopes(scopes)
			.endSpec();
		ResourceQuota quota = builder.build();
		if (priorityIn != null) {
			quota.getSpec()
				.setScopeSelector(new io.fabric8.kubernetes.api.model.ScopeSelectorBuilder().addNewMatchExpression()
					.withScopeName("PriorityClass")
					.withOperator(priorityIn.get(0))
					.withValues(priorityIn.subList(1, priorityIn.size()))
					.endMatchExpression()
					.build());
		}
		this.quotas.put(quota);
	}

	private static Pod pod(String name, String cpu, String memory, String cpuLimit, String memoryLimit) {
		Map<String, Quantity> requests = new HashMap<>();
		Map<String, Quantity> limits = new HashMap<>();
		if (cpu != null) {
			requests.put("cpu", new Quantity(cpu));
		}
		if (memory != null) {
			requests.put("memory", new Quantity(memory));
		}
		if (cpuLimit != null) {
			limits.put("cpu", new Quantity(cpuLimit));
		}
		if (memoryLimit != null) {
			limits.put("memory", new Quantity(memoryLimit));
		}
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withNewResources()
			.withRequests(requests)
			.withLimits(limits)
			.endResources()
			.endContainer()
			.endSpec()
			.withNewStatus()
			.withPhase("Running")
			.endStatus()
			.build();
	}

	private static Service service(String name, String type, int ports, Boolean allocateNodePorts) {
		ServiceBuilder builder = new ServiceBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.withType(type)
			.withAllocateLoadBalancerNodePorts(allocateNodePorts)
			.endSpec();
		Service service = builder.build();
		List<io.fabric8.kubernetes.api.model.ServicePort> list = new ArrayList<>();
		for (int i = 0; i < ports; i++) {
			list.add(new ServicePortBuilder().withPort(80 + i)
				.withNodePort(Boolean.FALSE.equals(allocateNodePorts) && i == 0 ? 30080 : null)
				.build());
		}
		service.getSpec().setPorts(list);
		return service;
	}

	private static PersistentVolumeClaim claim(String name, String storageClass, String size) {
		return new PersistentVolumeClaimBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.withStorageClassName(storageClass)
			.withNewResources()
			.withRequests(Map.of("storage", new Quantity(size)))
			.endResources()
			.endSpec()
			.build();
	}

}
