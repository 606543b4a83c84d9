package io.stevedore.controller.daemonset;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;

/** The DaemonSet controller's writes, behind an interface for the unit tests. */
public interface DaemonSetControl {

	/**
	 * @return the pod as stored (its generated name)
	 */
	Pod createPod(Pod pod);

	void deletePod(Pod pod);

	/**
	 * Replaces a pod's or ControllerRevision's ownerReferences (adoption, release),
	 * guarded by its resourceVersion and uid.
	 */
	void patchOwnerReferences(HasMetadata object, List<OwnerReference> ownerReferences);

	/**
	 * Sets a pod's {@code controller-revision-hash} label, guarded by its
	 * resourceVersion: its revision was a duplicate of the current one.
	 */
	void relabelPod(Pod pod, String hash);

	/** PUT daemonsets/{name}/status. */
	void updateStatus(DaemonSet daemonSet);

}
