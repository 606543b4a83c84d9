package io.stevedore.controller.statefulset;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/** The StatefulSet controller's writes, behind an interface for the unit tests. */
public interface StatefulSetControl {

	void createPod(Pod pod);

	void deletePod(Pod pod);

	/** Creates the claim unless one of that name exists (it outlives pods by design). */
	void createClaimIfAbsent(PersistentVolumeClaim claim);

	/** Creates the revision unless one of that name exists. */
	void createRevisionIfAbsent(ControllerRevision revision);

	void updateStatus(StatefulSet set);

}
