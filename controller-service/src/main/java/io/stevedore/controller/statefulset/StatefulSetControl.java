package io.stevedore.controller.statefulset;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/** The StatefulSet controller's writes, behind an interface for the unit tests. */
public interface StatefulSetControl {

	void createPod(Pod pod);

	void deletePod(Pod pod);

	/**
	 * Creates the claim unless one of that name exists (it outlives pods by design).
	 * @return whether this call created it
	 */
	boolean createClaimIfAbsent(PersistentVolumeClaim claim);

	/**
	 * Replaces a pod's or ControllerRevision's ownerReferences (adoption, release),
	 * guarded by its resourceVersion and uid.
	 */
	void patchOwnerReferences(HasMetadata object, List<OwnerReference> ownerReferences);

	void updateStatus(StatefulSet set);

}
