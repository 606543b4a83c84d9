package io.stevedore.gateway.admission.resourcequota;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionRequests;
import io.stevedore.gateway.authn.UserInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ResourceQuota admission's rules, with kube-apiserver's messages, on an in-memory store.
 */
class ResourceQuotaAdmissionTest {

	final InMemoryQuotas store = new InMemoryQuotas();

	final ResourceQuotaAdmission admission = new ResourceQuotaAdmission(this.store,
			Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC));

	static Stream<Arguments> refusals() {
		return Stream.of(Arguments.of("a pod over a pods count is refused with requested, used and limited",
				quota("q", Map.of("pods", "2"), Map.of("pods", "2")), "/pods", pod("web", "100m", null),
				"pods \"web\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2"),
				Arguments.of("only the exceeded resources are named, sorted",
						quota("q", Map.of("pods", "10", "requests.cpu", "1", "requests.memory", "1Gi"),
								Map.of("pods", "1", "requests.cpu", "800m", "requests.memory", "1Gi")),
						"/pods", pod("web", "500m", "64Mi"),
						"exceeded quota: q, requested: requests.cpu=500m,requests.memory=64Mi, used: requests.cpu=800m,requests.memory=1Gi, limited: requests.cpu=1,requests.memory=1Gi"),
				Arguments.of("a pod without a cpu limit under a limits.cpu quota must specify it",
						quota("q", Map.of("limits.cpu", "2"), Map.of("limits.cpu", "0")), "/pods",
						pod("web", "100m", null), "failed quota: q: must specify limits.cpu for: web"),
				Arguments.of("every missing resource and container is named, sorted",
						quota("q", Map.of("requests.memory", "1Gi", "cpu", "2"),
								Map.of("requests.memory", "0", "cpu", "0")),
						"/pods", podOf("web", container("b", null, null), container("a", "1", null)),
						"failed quota: q: must specify cpu for: b; requests.memory for: a,b"),
				Arguments.of("a quota whose status the controller has not written refuses",
						quotaWithoutStatus("q", Map.of("pods", "5")), "/pods", pod("web", "100m", null),
						"status unknown for quota: q, resources: pods"),
				Arguments.of("a NodePort service over services.nodeports is refused",
						quota("q", Map.of("services.nodeports", "1"), Map.of("services.nodeports", "1")), "/services",
						nodePortService("svc", 1),
						"exceeded quota: q, requested: services.nodeports=1, used: services.nodeports=1, limited: services.nodeports=1"),
				Arguments.of("a claim over requests.storage is refused",
						quota("q", Map.of("requests.storage", "10Gi"), Map.of("requests.storage", "8Gi")),
						"/persistentvolumeclaims", claim("data", "5Gi"),
						"exceeded quota: q, requested: requests.storage=5Gi, used: requests.storage=8Gi, limited: requests.storage=10Gi"),
				Arguments.of("a config map over count/configmaps is refused",
						quota("q", Map.of("count/configmaps", "1"), Map.of("count/configmaps", "1")), "/configmaps",
						new ConfigMapBuilder().withNewMetadata()
							.withName("cm")
							.withNamespace("team")
							.endMetadata()
							.build(),
						"exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1"),
				Arguments.of("a BestEffort pod over a BestEffort-scoped quota is refused",
						scoped(quota("q", Map.of("pods", "1"), Map.of("pods", "1")), "BestEffort"), "/pods",
						podOf("free", container("c", null, null)),
						"exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("refusals")
	void refusesWithKubernetesMessageAndChargesNothing(String description, ResourceQuota quota, String resource,
			HasMetadata object, String message) {
		this.store.put(quota);
		String before = this.store.stored("q").toString();

		assertThatThrownBy(() -> this.admission.validate(AdmissionRequests.create(resource, object)))
			.isInstanceOfSatisfying(AdmissionDenied.class, (denied) -> {
				assertThat(denied.status().getCode()).isEqualTo(403);
				assertThat(denied.status().getReason()).isEqualTo("Forbidden");
				assertThat(denied.status().getMessage()).contains(message);
			});
		assertThat(this.store.stored("q").toString()).isEqualTo(before);
	}

	static Stream<Arguments> admissions() {
		return Stream.of(
				Arguments.of("a pod under every quota is charged its count and compute",
						quota("q", Map.of("pods", "3", "requests.cpu", "2", "limits.memory", "1Gi", "cpu", "2"),
								Map.of("pods", "1", "requests.cpu", "500m", "limits.memory", "0", "cpu", "500m")),
						"/pods", podWithLimit("web", "250m", "128Mi"),
						Map.of("pods", "2", "requests.cpu", "750m", "limits.memory", "128Mi", "cpu", "750m")),
				Arguments.of("a pod outside a Terminating-scoped quota is not charged",
						scoped(quota("q", Map.of("pods", "1"), Map.of("pods", "1")), "Terminating"), "/pods",
						pod("web", "100m", null), Map.of("pods", "1")),
				Arguments.of("a scoped quota does not cover services",
						scoped(quota("q", Map.of("pods", "1"), Map.of("pods", "0")), "NotTerminating"), "/services",
						nodePortService("svc", 2), Map.of("pods", "0")),
				Arguments.of("a secret is charged under its plain name and its count name", quota("q",
						Map.of("secrets", "2", "count/secrets", "2"), Map.of("secrets", "0", "count/secrets", "0")),
						"/secrets",
						new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
							.withName("s")
							.withNamespace("team")
							.endMetadata()
							.build(),
						Map.of("secrets", "1", "count/secrets", "1")),
				Arguments.of("a deployment is charged count/deployments.apps",
						quota("q", Map.of("count/deployments.apps", "1"), Map.of("count/deployments.apps", "0")),
						"apps/deployments",
						new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder().withNewMetadata()
							.withName("d")
							.withNamespace("team")
							.endMetadata()
							.build(),
						Map.of("count/deployments.apps", "1")),
				Arguments.of("the last slot may be taken", quota("q", Map.of("pods", "2"), Map.of("pods", "1")),
						"/pods", pod("web", "100m", null), Map.of("pods", "2")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("admissions")
	void admitsAndChargesTheQuota(String description, ResourceQuota quota, String resource, HasMetadata object,
			Map<String, String> used) {
		this.store.put(quota);

		this.admission.validate(AdmissionRequests.create(resource, object));

		assertThat(this.store.used("q")).isEqualTo(used);
	}

	@Test
	void aDryRunIsCheckedButNotCharged() {
		this.store.put(quota("q", Map.of("pods", "2"), Map.of("pods", "1")));
		AdmissionAttributes create = AdmissionRequests.create("/pods", pod("web", "100m", null));
		AdmissionAttributes dryRun = new AdmissionAttributes(create.operation(), create.group(), create.version(),
				create.resource(), "", create.namespace(), create.name(), create.object(), null, true,
				UserInfo.of("jane", List.of()), new ArrayList<>());

		this.admission.validate(dryRun);

		assertThat(this.store.used("q")).containsEntry("pods", "1");
		assertThat(this.store.updates.get()).isZero();
	}

	@Test
	void aClaimGrownOnUpdateIsChargedOnlyTheDifference() {
		this.store.put(quota("q", Map.of("requests.storage", "10Gi"), Map.of("requests.storage", "5Gi")));
		PersistentVolumeClaim old = claim("data", "5Gi");
		old.getMetadata().setResourceVersion("7");

		this.admission.validate(AdmissionRequests.update("/persistentvolumeclaims", claim("data", "8Gi"), old));

		assertThat(this.store.used("q")).containsEntry("requests.storage", "8Gi");
	}

	@Test
	void aPodUpdateIsNotCharged() {
		this.store.put(quota("q", Map.of("pods", "1"), Map.of("pods", "1")));
		Pod old = pod("web", "100m", null);
		old.getMetadata().setResourceVersion("7");

		this.admission.validate(AdmissionRequests.update("/pods", pod("web", "100m", null), old));

		assertThat(this.store.updates.get()).isZero();
	}

	@Test
	void aConflictReadsTheQuotaAgainAndRefusesWhenAnotherWriterTookTheLastSlot() {
		this.store.put(quota("q", Map.of("pods", "2"), Map.of("pods", "1")));
		// Another gateway charges the last slot just before our write: our cached copy is
		// stale.
		this.store.beforeNextUpdate = () -> this.store.setUsed("q", "pods", "2");

		assertThatThrownBy(() -> this.admission.validate(AdmissionRequests.create("/pods", pod("web", "100m", null))))
			.isInstanceOf(AdmissionDenied.class)
			.hasMessageContaining("exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2");
		assertThat(this.store.used("q")).containsEntry("pods", "2");
	}

	@Test
	void aConflictWithAnUnrelatedChangeChargesOnTheFreshQuota() {
		this.store.put(quota("q", Map.of("pods", "3"), Map.of("pods", "1")));
		this.store.beforeNextUpdate = () -> this.store.setUsed("q", "pods", "1");

		this.admission.validate(AdmissionRequests.create("/pods", pod("web", "100m", null)));

		assertThat(this.store.used("q")).containsEntry("pods", "2");
	}

	@Test
	void everyCoveringQuotaIsChargedAndAnyOneRefuses() {
		this.store.put(quota("a", Map.of("pods", "5"), Map.of("pods", "1")));
		this.store.put(quota("b", Map.of("requests.cpu", "1"), Map.of("requests.cpu", "900m")));

		assertThatThrownBy(() -> this.admission.validate(AdmissionRequests.create("/pods", pod("web", "200m", null))))
			.hasMessageContaining("exceeded quota: b, requested: requests.cpu=200m");

		this.admission.validate(AdmissionRequests.create("/pods", pod("small", "100m", null)));
		assertThat(this.store.used("a")).containsEntry("pods", "2");
		assertThat(this.store.used("b")).containsEntry("requests.cpu", "1");
	}

	@Test
	void aWriteWithNoQuotaInItsNamespaceIsAdmittedWithoutAWrite() {
		this.admission.validate(AdmissionRequests.create("/pods", pod("web", "100m", null)));

		assertThat(this.store.updates.get()).isZero();
	}

	// --- builders ---

	static ResourceQuota quota(String name, Map<String, String> hard, Map<String, String> used) {
		return new ResourceQuotaBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("team")
			.withResourceVersion("1")
			.endMetadata()
			.withNewSpec()
			.withHard(quantities(hard))
			.endSpec()
			.withNewStatus()
			.withHard(quantities(hard))
			.withUsed(quantities(used))
			.endStatus()
			.build();
	}

	static ResourceQuota quotaWithoutStatus(String name, Map<String, String> hard) {
		ResourceQuota quota = quota(name, hard, Map.of());
		quota.setStatus(null);
		return quota;
	}

	static ResourceQuota scoped(ResourceQuota quota, String scope) {
		quota.getSpec().setScopes(List.of(scope));
		return quota;
	}

	static Map<String, Quantity> quantities(Map<String, String> values) {
		Map<String, Quantity> result = new LinkedHashMap<>();
		values.forEach((k, v) -> result.put(k, new Quantity(v)));
		return result;
	}

	static Pod pod(String name, String cpu, String memory) {
		return podOf(name, container(name, cpu, memory));
	}

	static Pod podWithLimit(String name, String cpu, String memoryLimit) {
		Pod pod = pod(name, cpu, null);
		pod.getSpec().getContainers().get(0).getResources().setLimits(Map.of("memory", new Quantity(memoryLimit)));
		return pod;
	}

	static Pod podOf(String name, io.fabric8.kubernetes.api.model.Container... containers) {
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.withContainers(containers)
			.endSpec()
			.build();
	}

	static io.fabric8.kubernetes.api.model.Container container(String name, String cpu, String memory) {
		Map<String, Quantity> requests = new HashMap<>();
		if (cpu != null) {
			requests.put("cpu", new Quantity(cpu));
		}
		if (memory != null) {
			requests.put("memory", new Quantity(memory));
		}
		return new ContainerBuilder().withName(name)
			.withImage("busybox")
			.withNewResources()
			.withRequests(requests)
			.endResources()
			.build();
	}

	static HasMetadata nodePortService(String name, int ports) {
		ServiceBuilder builder = new ServiceBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.withType("NodePort")
			.endSpec();
		for (int i = 0; i < ports; i++) {
			builder.editSpec().addNewPort().withPort(80 + i).endPort().endSpec();
		}
		return builder.build();
	}

	static PersistentVolumeClaim claim(String name, String storage) {
		return new PersistentVolumeClaimBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.withNewResources()
			.withRequests(Map.of("storage", new Quantity(storage)))
			.endResources()
			.endSpec()
			.build();
	}

	/**
	 * Quotas with resourceVersions and the apiserver's precondition: an update with an
	 * old resourceVersion is a conflict. {@link #list} returns what was stored when the
	 * test began, like an informer that has not caught up.
	 */
	static final class InMemoryQuotas implements QuotaAccess {

		final Map<String, ResourceQuota> quotas = new LinkedHashMap<>();

		final Map<String, ResourceQuota> cache = new LinkedHashMap<>();

		final AtomicInteger updates = new AtomicInteger();

		Runnable beforeNextUpdate;

		private long revision = 1;

		void put(ResourceQuota quota) {
			this.quotas.put(quota.getMetadata().getName(), quota);
			this.cache.put(quota.getMetadata().getName(), quota);
		}

		ResourceQuota stored(String name) {
			return this.quotas.get(name);
		}

		Map<String, String> used(String name) {
			Map<String, String> result = new HashMap<>();
			this.quotas.get(name).getStatus().getUsed().forEach((k, v) -> result.put(k, v.toString()));
			return result;
		}

		synchronized void setUsed(String name, String resource, String value) {
			ResourceQuota quota = new ResourceQuotaBuilder(this.quotas.get(name)).build();
			Map<String, Quantity> used = new LinkedHashMap<>(quota.getStatus().getUsed());
			used.put(resource, new Quantity(value));
			quota.getStatus().setUsed(used);
			quota.getMetadata().setResourceVersion(Long.toString(++this.revision));
			this.quotas.put(name, quota);
		}

		@Override
		public List<ResourceQuota> list(String namespace) {
			return List.copyOf(this.cache.values());
		}

		@Override
		public ResourceQuota get(String namespace, String name) {
			return this.quotas.get(name);
		}

		@Override
		public synchronized ResourceQuota updateStatus(ResourceQuota quota) {
			if (this.beforeNextUpdate != null) {
				Runnable hook = this.beforeNextUpdate;
				this.beforeNextUpdate = null;
				hook.run();
			}
			String name = quota.getMetadata().getName();
			if (!this.quotas.get(name)
				.getMetadata()
				.getResourceVersion()
				.equals(quota.getMetadata().getResourceVersion())) {
				throw new Conflict("the object has been modified");
			}
			ResourceQuota stored = new ResourceQuotaBuilder(quota).build();
			stored.getMetadata().setResourceVersion(Long.toString(++this.revision));
			this.quotas.put(name, stored);
			this.updates.incrementAndGet();
			return stored;
		}

	}

}
