package io.stevedore.controller.resourcequota;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.machinery.quantity.Quantity;

/**
 * Kubernetes' resource quota controller for one ResourceQuota ({@code namespace/name}):
 * status.hard is spec.hard, status.used the namespace's current usage of each of those
 * resources. Written only when it differs by value ({@code 1Gi} equals {@code 1024Mi}),
 * so a resync of an unchanged namespace writes nothing.
 */
public final class ResourceQuotaSync implements Reconciler {

	static final Duration CONFLICT_RETRY = Duration.ofMillis(200);

	private final CacheLister<ResourceQuota> quotas;

	private final NamespaceObjects objects;

	private final UnaryOperator<ResourceQuota> updateStatus;

	private final Clock clock;

	/**
	 * @param updateStatus PUT resourcequotas/{name}/status
	 */
	public ResourceQuotaSync(CacheLister<ResourceQuota> quotas, NamespaceObjects objects,
			UnaryOperator<ResourceQuota> updateStatus, Clock clock) {
		this.quotas = quotas;
		this.objects = objects;
		this.updateStatus = updateStatus;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		Keys.check(key);
		ResourceQuota quota = this.quotas.get(Keys.namespace(key), Keys.name(key));
		if (quota == null) {
			return Result.done();
		}
		Map<String, io.fabric8.kubernetes.api.model.Quantity> hard = quota.getSpec() == null
				|| quota.getSpec().getHard() == null ? Map.of() : quota.getSpec().getHard();
		Map<String, Quantity> used = QuotaUsage.used(quota, this.objects, this.clock.instant());
		ResourceQuotaStatus old = quota.getStatus();
		boolean upToDate = old != null && ResourceLists.parse(old.getHard()).equals(ResourceLists.parse(hard))
				&& ResourceLists.parse(old.getUsed()).equals(used);
		if (upToDate) {
			return Result.done();
		}
		Map<String, io.fabric8.kubernetes.api.model.Quantity> usedModel = new LinkedHashMap<>();
		used.forEach(
				(name, value) -> usedModel.put(name, new io.fabric8.kubernetes.api.model.Quantity(value.toString())));
		ResourceQuota updated = new ResourceQuotaBuilder(quota).withNewStatus()
			.withHard(new LinkedHashMap<>(hard))
			.withUsed(usedModel)
			.endStatus()
			.build();
		try {
			this.updateStatus.apply(updated);
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 409) {
				throw ex;
			}
			// Our cache has not seen our own last write yet: look again once it has,
			// without counting it as a failure.
			return Result.requeueAfter(CONFLICT_RETRY);
		}
		return Result.done();
	}

}
