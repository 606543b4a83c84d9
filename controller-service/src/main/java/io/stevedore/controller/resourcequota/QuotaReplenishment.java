package io.stevedore.controller.resourcequota;

import java.util.Objects;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.workload.CacheLister;

/**
 * Kubernetes' quota replenishment for one kind of counted object: a delete, or an update
 * that changes what the object uses (a pod gone terminal, a Service's type, a PVC's
 * size), recounts every quota of its namespace. A new object only raises usage
 * ({@link ResourceQuotaSync#raiseOnlyKey}): quota admission has already charged it, and a
 * full recount from caches that have not seen objects admitted a moment ago would undo
 * their charges and let a concurrent create over-commit.
 *
 * @param <T> the counted kind
 */
final class QuotaReplenishment<T extends HasMetadata> implements ResourceEventHandler<T> {

	private final CacheLister<ResourceQuota> quotas;

	private final WorkQueue<String> queue;

	private final Function<T, Object> usage;

	/**
	 * @param usage what the object counts for; updates that leave it equal are ignored
	 */
	QuotaReplenishment(CacheLister<ResourceQuota> quotas, WorkQueue<String> queue, Function<T, Object> usage) {
		this.quotas = quotas;
		this.queue = queue;
		this.usage = usage;
	}

	@Override
	public void onAdd(T object) {
		enqueue(object, true);
	}

	@Override
	public void onUpdate(T oldObject, T object) {
		if (!Objects.equals(this.usage.apply(oldObject), this.usage.apply(object))) {
			enqueue(object, false);
		}
	}

	@Override
	public void onDelete(T object, boolean deletedFinalStateUnknown) {
		enqueue(object, false);
	}

	private void enqueue(T object, boolean raiseOnly) {
		for (ResourceQuota quota : this.quotas.list(object.getMetadata().getNamespace())) {
			String key = Keys.of(quota);
			this.queue.add(raiseOnly ? ResourceQuotaSync.raiseOnlyKey(key) : key);
		}
	}

	/**
	 * Kubernetes' quota event handler: a new quota, or one whose spec.hard its status
	 * does not reflect yet, is recounted; a change of status.used alone (admission's
	 * charge, our own write) is not, for the reason above.
	 */
	static ResourceEventHandler<ResourceQuota> quotaHandler(WorkQueue<String> queue) {
		return new ResourceEventHandler<>() {
			@Override
			public void onAdd(ResourceQuota quota) {
				queue.add(Keys.of(quota));
			}

			@Override
			public void onUpdate(ResourceQuota oldQuota, ResourceQuota quota) {
				boolean specChanged = !Objects.equals(oldQuota.getSpec(), quota.getSpec());
				boolean hardStale = quota.getStatus() == null || !Objects
					.equals(quota.getSpec() == null ? null : quota.getSpec().getHard(), quota.getStatus().getHard());
				if (specChanged || hardStale) {
					queue.add(Keys.of(quota));
				}
			}

			@Override
			public void onDelete(ResourceQuota quota, boolean deletedFinalStateUnknown) {
			}
		};
	}

}
