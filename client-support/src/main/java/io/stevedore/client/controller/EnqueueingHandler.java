package io.stevedore.client.controller;

import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.stevedore.client.workqueue.WorkQueue;

/**
 * An informer handler that only computes keys and enqueues them, as every Kubernetes
 * controller's handlers do: the work happens in the workers, never on the informer's
 * thread, so a slow sync cannot stall the watch.
 *
 * @param <T> the informed type
 */
public final class EnqueueingHandler<T extends HasMetadata> implements ResourceEventHandler<T> {

	private final WorkQueue<String> queue;

	private final Function<T, String> keyOf;

	public EnqueueingHandler(WorkQueue<String> queue, Function<T, String> keyOf) {
		this.queue = queue;
		this.keyOf = keyOf;
	}

	/** Enqueues the object's own {@code namespace/name}. */
	public static <T extends HasMetadata> EnqueueingHandler<T> byKey(WorkQueue<String> queue) {
		return new EnqueueingHandler<>(queue, Keys::of);
	}

	@Override
	public void onAdd(T object) {
		enqueue(object);
	}

	@Override
	public void onUpdate(T oldObject, T newObject) {
		enqueue(newObject);
	}

	/**
	 * fabric8 hands over the last known state even when the watch missed the delete
	 * (client-go's tombstone, {@code deletedFinalStateUnknown}); the key is the same.
	 */
	@Override
	public void onDelete(T object, boolean deletedFinalStateUnknown) {
		enqueue(object);
	}

	private void enqueue(T object) {
		String key = this.keyOf.apply(object);
		if (key != null) {
			this.queue.add(key);
		}
	}

}
