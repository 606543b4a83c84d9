package io.stevedore.controller.workload;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.workqueue.WorkQueue;

/**
 * An informer handler for objects a controller creates (pods, Jobs): enqueues the
 * {@code namespace/name} of their controller when it is of the given kind, and tells the
 * expectations what it observed. An orphan (no controller) that appears, or whose labels
 * or controller changed, wakes the controllers whose selector matches it
 * ({@link SelectingOwners}), so one can adopt it; its creation is no expectation of
 * theirs. Like every handler it only enqueues.
 *
 * @param <T> the owned type
 */
public final class OwnedObjectHandler<T extends HasMetadata> implements ResourceEventHandler<T> {

	private final String ownerKind;

	private final WorkQueue<String> queue;

	private final ControllerExpectations expectations;

	private final Function<HasMetadata, List<String>> orphanOwners;

	/**
	 * @param expectations null when the controller keeps none
	 */
	public OwnedObjectHandler(String ownerKind, WorkQueue<String> queue, ControllerExpectations expectations) {
		this(ownerKind, queue, expectations, (object) -> List.of());
	}

	/**
	 * @param orphanOwners the keys of the controllers that may adopt an orphan, e.g.
	 * {@link SelectingOwners#keysFor}
	 */
	public OwnedObjectHandler(String ownerKind, WorkQueue<String> queue, ControllerExpectations expectations,
			Function<HasMetadata, List<String>> orphanOwners) {
		this.ownerKind = ownerKind;
		this.queue = queue;
		this.expectations = expectations;
		this.orphanOwners = orphanOwners;
	}

	@Override
	public void onAdd(T object) {
		if (ControllerRefs.controllerOf(object) == null) {
			enqueueOrphanOwners(object);
			return;
		}
		String key = ownerKey(object);
		if (key == null) {
			return;
		}
		if (this.expectations != null) {
			this.expectations.creationObserved(key);
		}
		this.queue.add(key);
	}

	@Override
	public void onUpdate(T oldObject, T newObject) {
		String key = ownerKey(newObject);
		String oldKey = ownerKey(oldObject);
		if (oldKey != null && !oldKey.equals(key)) {
			// Released or re-owned: the old owner has one object less.
			this.queue.add(oldKey);
		}
		if (ControllerRefs.controllerOf(newObject) == null) {
			if (!Objects.equals(oldObject.getMetadata().getLabels(), newObject.getMetadata().getLabels())
					|| ControllerRefs.controllerOf(oldObject) != null) {
				enqueueOrphanOwners(newObject);
			}
			return;
		}
		if (key == null) {
			return;
		}
		// A graceful deletion is observed when the deletionTimestamp appears, as in
		// Kubernetes; the final delete event is then not counted again.
		if (this.expectations != null && oldObject.getMetadata().getDeletionTimestamp() == null
				&& newObject.getMetadata().getDeletionTimestamp() != null) {
			this.expectations.deletionObserved(key);
		}
		this.queue.add(key);
	}

	@Override
	public void onDelete(T object, boolean deletedFinalStateUnknown) {
		String key = ownerKey(object);
		if (key == null) {
			return;
		}
		if (this.expectations != null && object.getMetadata().getDeletionTimestamp() == null) {
			this.expectations.deletionObserved(key);
		}
		this.queue.add(key);
	}

	private void enqueueOrphanOwners(T object) {
		for (String key : this.orphanOwners.apply(object)) {
			this.queue.add(key);
		}
	}

	private String ownerKey(T object) {
		OwnerReference ref = ControllerRefs.controllerOf(object);
		if (ref == null || !this.ownerKind.equals(ref.getKind())) {
			return null;
		}
		return Keys.of(object.getMetadata().getNamespace(), ref.getName());
	}

}
