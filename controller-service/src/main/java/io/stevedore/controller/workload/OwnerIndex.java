package io.stevedore.controller.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Indexer;

/**
 * An informer index from controller uid to the objects it controls, so a sync finds its
 * pods without scanning every pod of the namespace. Objects with no controller are
 * indexed under their namespace's orphan key (Kubernetes' {@code PodControllerUIDIndex}
 * with {@code OrphanPodIndexKeyForNamespace}): a controller's claim candidates are its
 * own objects and the orphans it may adopt, never the objects of other controllers.
 */
public final class OwnerIndex {

	public static final String NAME = "controller-uid";

	/** A uid never contains '/', so no orphan key can clash with a controller's. */
	static final String ORPHAN_PREFIX = "_orphan/";

	private OwnerIndex() {
	}

	/** Adds the index; call before the informer starts. */
	public static <T extends HasMetadata> void addTo(SharedIndexInformer<T> informer) {
		informer.addIndexers(Map.of(NAME, keys()));
	}

	/** The index function: the controller's uid, or the namespace's orphan key. */
	public static <T extends HasMetadata> Function<T, List<String>> keys() {
		return (object) -> {
			OwnerReference ref = ControllerRefs.controllerOf(object);
			if (ref == null) {
				return List.of(orphanKey(object.getMetadata().getNamespace()));
			}
			return ref.getUid() == null ? List.of() : List.of(ref.getUid());
		};
	}

	/** The objects controlled by the owner with this uid. */
	public static <T extends HasMetadata> List<T> controlledBy(SharedIndexInformer<T> informer, String uid) {
		return informer.getIndexer().byIndex(NAME, uid);
	}

	/**
	 * What {@link ControllerRefClaim#claim} needs to look at for the owner (Kubernetes'
	 * {@code FilterPodsByOwner} with orphans): the objects it controls in its namespace,
	 * then the orphans of its namespace. Those controlled by someone else are left out,
	 * which the claim would skip anyway.
	 */
	public static <T extends HasMetadata> List<T> claimCandidates(Indexer<T> indexer, HasMetadata owner) {
		String namespace = owner.getMetadata().getNamespace();
		List<T> candidates = new ArrayList<>();
		for (T object : indexer.byIndex(NAME, owner.getMetadata().getUid())) {
			if (namespace == null || namespace.equals(object.getMetadata().getNamespace())) {
				candidates.add(object);
			}
		}
		candidates.addAll(indexer.byIndex(NAME, orphanKey(namespace)));
		return candidates;
	}

	/** {@link #claimCandidates(Indexer, HasMetadata)} of the informer's cache. */
	public static <T extends HasMetadata> ClaimCandidates<T> claimCandidates(SharedIndexInformer<T> informer) {
		return (owner) -> claimCandidates(informer.getIndexer(), owner);
	}

	private static String orphanKey(String namespace) {
		return ORPHAN_PREFIX + (namespace == null ? "" : namespace);
	}

}
