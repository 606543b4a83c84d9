package io.stevedore.controller.replicaset;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.PodControl;
import io.stevedore.machinery.selectors.LabelSelector;

/**
 * Kubernetes' {@code PodControllerRefManager.ClaimPods}: the pods a controller owns after
 * adopting orphans that match its selector and releasing its own pods that no longer
 * match. Pods controlled by someone else are never touched; a controller being deleted
 * adopts nothing and releases nothing (the garbage collector handles its pods).
 */
final class PodClaim {

	private PodClaim() {
	}

	static List<Pod> claim(HasMetadata owner, LabelSelector selector, List<Pod> pods, PodControl podControl) {
		boolean ownerDeleting = owner.getMetadata().getDeletionTimestamp() != null;
		String uid = owner.getMetadata().getUid();
		List<Pod> claimed = new ArrayList<>();
		for (Pod pod : pods) {
			OwnerReference controller = ControllerRefs.controllerOf(pod);
			boolean matches = selector.matches(labels(pod));
			if (controller != null) {
				if (!uid.equals(controller.getUid())) {
					continue;
				}
				if (matches) {
					claimed.add(pod);
				}
				else if (!ownerDeleting && pod.getMetadata().getDeletionTimestamp() == null) {
					release(pod, uid, podControl);
				}
				continue;
			}
			if (ownerDeleting || !matches || pod.getMetadata().getDeletionTimestamp() != null) {
				continue;
			}
			List<OwnerReference> refs = new ArrayList<>(pod.getMetadata().getOwnerReferences() == null ? List.of()
					: pod.getMetadata().getOwnerReferences());
			refs.add(ControllerRefs.of(owner));
			podControl.patchOwnerReferences(pod, refs);
			claimed.add(pod);
		}
		return claimed;
	}

	private static void release(Pod pod, String ownerUid, PodControl podControl) {
		List<OwnerReference> refs = pod.getMetadata()
			.getOwnerReferences()
			.stream()
			.filter(ref -> !ownerUid.equals(ref.getUid()))
			.toList();
		try {
			podControl.patchOwnerReferences(pod, refs);
		}
		catch (KubernetesClientException ex) {
			// Gone already, or changed under us: either way not ours to hold any more.
			if (ex.getCode() != 404 && ex.getCode() != 422) {
				throw ex;
			}
		}
	}

	private static java.util.Map<String, String> labels(Pod pod) {
		return pod.getMetadata().getLabels() == null ? java.util.Map.of() : pod.getMetadata().getLabels();
	}

}
