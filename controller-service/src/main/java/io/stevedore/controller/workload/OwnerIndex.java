package io.stevedore.controller.workload;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * An informer index from controller uid to the objects it controls, so a sync finds its
 * pods without scanning every pod of the cluster.
 */
public final class OwnerIndex {

	public static final String NAME = "controller-uid";

	private OwnerIndex() {
	}

	/** Adds the index; call before the informer starts. */
	public static <T extends HasMetadata> void addTo(SharedIndexInformer<T> informer) {
		Function<T, List<String>> byController = (object) -> {
			OwnerReference ref = ControllerRefs.controllerOf(object);
			return ref == null || ref.getUid() == null ? List.of() : List.of(ref.getUid());
		};
		informer.addIndexers(Map.of(NAME, byController));
	}

	/** The objects controlled by the owner with this uid. */
	public static <T extends HasMetadata> List<T> controlledBy(SharedIndexInformer<T> informer, String uid) {
		return informer.getIndexer().byIndex(NAME, uid);
	}

}
