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
import io.stevedore.machinery.quota.NamespaceObjects;
import io.stevedore.machinery.quota.QuotaUsage;
import io.stevedore.machinery.quota.ResourceLists;

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

	/**
	 * The queue key of a recount that may only raise status.used: {@code +ns/name}. An
	 * object that appeared is already charged by admission when it went through it; a
	 * full recount from the caches then could undo the charge of an object admitted a
	 * moment ago and not yet in the cache, and let one more through (Kubernetes avoids
	 * that by not recounting on creates at all). Raising still covers objects that were
	 * written without quota admission.
	 */
	public static String raiseOnlyKey(String key) {
		return RAISE_ONLY + key;
	}

	private static final String RAISE_ONLY = "+";

	@Override
	public Result reconcile(String queued) {
		boolean raiseOnly = queued.startsWith(RAISE_ONLY);
		String key = raiseOnly ? queued.substring(RAISE_ONLY.length()) : queued;
		Keys.check(key);
		ResourceQuota quota = this.quotas.get(Keys.namespace(key), Keys.name(key));
		if (quota == null) {
			return Result.done();
		}
		Map<String, io.fabric8.kubernetes.api.model.Quantity> hard = quota.getSpec() == null
				|| quota.getSpec().getHard() == null ? Map.of() : quota.getSpec().getHard();
		Map<String, Quantity> used = QuotaUsage.used(quota, this.objects, this.clock.instant());
		ResourceQuotaStatus old = quota.getStatus();
		if (raiseOnly && old != null) {
			Map<String, Quantity> charged = ResourceLists.parse(old.getUsed());
			used.replaceAll((name, value) -> ResourceLists
				.max(Map.of(name, value), charged.containsKey(name) ? Map.of(name, charged.get(name)) : Map.of())
				.get(name));
		}
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
