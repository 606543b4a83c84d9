package io.stevedore.controller.manager;

import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * An informer handler that reacts to deletions only (an object someone else deleted is
 * written again, a deleted owner's dependents are looked at); adds and updates are
 * ignored.
 *
 * @param <T> the informer's type
 */
public final class OnDelete<T extends HasMetadata> implements ResourceEventHandler<T> {

	private final Consumer<T> deleted;

	private OnDelete(Consumer<T> deleted) {
		this.deleted = deleted;
	}

	public static <T extends HasMetadata> OnDelete<T> of(Consumer<T> deleted) {
		return new OnDelete<>(deleted);
	}

	@Override
	public void onAdd(T object) {
	}

	@Override
	public void onUpdate(T oldObject, T newObject) {
	}

	@Override
	public void onDelete(T object, boolean deletedFinalStateUnknown) {
		this.deleted.accept(object);
	}

}
