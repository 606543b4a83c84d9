package io.stevedore.controller.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.workqueue.WorkQueue;

/**
 * An event handler for objects that matter to every object of a kind in their namespace
 * (pods to ResourceQuotas, ReplicaSets to PodDisruptionBudgets): any change enqueues all
 * of the namespace's {@code targets}.
 */
public final class NamespaceFanOut<T extends HasMetadata> implements ResourceEventHandler<T> {

	private final CacheLister<? extends HasMetadata> targets;

	private final WorkQueue<String> queue;

	public NamespaceFanOut(CacheLister<? extends HasMetadata> targets, WorkQueue<String> queue) {
		this.targets = targets;
		this.queue = queue;
	}

	@Override
	public void onAdd(T object) {
		enqueue(object);
	}

	@Override
	public void onUpdate(T oldObject, T object) {
		enqueue(object);
	}

	@Override
	public void onDelete(T object, boolean deletedFinalStateUnknown) {
		enqueue(object);
	}

	private void enqueue(T object) {
		for (HasMetadata target : this.targets.list(object.getMetadata().getNamespace())) {
			this.queue.add(Keys.of(target));
		}
	}

}
