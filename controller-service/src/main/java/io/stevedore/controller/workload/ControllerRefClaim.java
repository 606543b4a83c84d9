package io.stevedore.controller.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.machinery.selectors.LabelSelector;

/**
 * Kubernetes' {@code ControllerRefManager.ClaimPods/ClaimReplicaSets}: the objects a
 * controller owns after adopting orphans that match its selector and releasing its own
 * objects that no longer match. Objects controlled by someone else are never touched; a
 * controller being deleted adopts and releases nothing (the garbage collector handles its
 * dependents).
 */
public final class ControllerRefClaim {

	private ControllerRefClaim() {
	}

	/**
	 * @param patchOwnerReferences writes an object's new ownerReferences, guarded by its
	 * resourceVersion
	 * @return the objects the owner controls afterwards (as cached; adopted ones without
	 * their new reference)
	 */
	public static <T extends HasMetadata> List<T> claim(HasMetadata owner, LabelSelector selector, List<T> objects,
			BiConsumer<T, List<OwnerReference>> patchOwnerReferences) {
		boolean ownerDeleting = owner.getMetadata().getDeletionTimestamp() != null;
		String uid = owner.getMetadata().getUid();
		List<T> claimed = new ArrayList<>();
		for (T object : objects) {
			OwnerReference controller = ControllerRefs.controllerOf(object);
			boolean matches = selector.matches(labels(object));
			boolean deleting = object.getMetadata().getDeletionTimestamp() != null;
			if (controller != null) {
				if (!uid.equals(controller.getUid())) {
					continue;
				}
				if (matches) {
					claimed.add(object);
				}
				else if (!ownerDeleting && !deleting) {
					release(object, uid, patchOwnerReferences);
				}
				continue;
			}
			if (ownerDeleting || deleting || !matches) {
				continue;
			}
			List<OwnerReference> refs = new ArrayList<>(object.getMetadata().getOwnerReferences() == null ? List.of()
					: object.getMetadata().getOwnerReferences());
			refs.add(ControllerRefs.of(owner));
			patchOwnerReferences.accept(object, refs);
			claimed.add(object);
		}
		return claimed;
	}

	private static <T extends HasMetadata> void release(T object, String ownerUid,
			BiConsumer<T, List<OwnerReference>> patchOwnerReferences) {
		List<OwnerReference> refs = object.getMetadata()
			.getOwnerReferences()
			.stream()
			.filter(ref -> !ownerUid.equals(ref.getUid()))
			.toList();
		try {
			patchOwnerReferences.accept(object, refs);
		}
		catch (KubernetesClientException ex) {
			// Gone already, or changed under us: either way no longer ours to hold.
			if (ex.getCode() != 404 && ex.getCode() != 422) {
				throw ex;
			}
		}
	}

	private static Map<String, String> labels(HasMetadata object) {
		return object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels();
	}

}
