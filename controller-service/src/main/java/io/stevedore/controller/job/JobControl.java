package io.stevedore.controller.job;

import java.util.List;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/** The Job controller's writes, behind an interface for the unit tests. */
public interface JobControl {

	/**
	 * Creates a pod built by the controller (generateName, completion index, controller
	 * ownerReference already set).
	 * @return the pod as stored (its generated name)
	 */
	Pod createPod(Pod pod);

	/** Deletes a pod; one already gone is not an error. */
	void deletePod(Pod pod);

	/**
	 * Replaces a pod's ownerReferences and finalizers (adoption adds the tracking
	 * finalizer, release removes it), guarded by its resourceVersion and uid.
	 */
	void patchOwnerReferences(Pod pod, List<OwnerReference> ownerReferences, List<String> finalizers);

	/**
	 * PUT jobs/{name}/status with the job's status (optimistic on resourceVersion).
	 * @return the Job as stored (its new resourceVersion)
	 */
	Job updateStatus(Job job);

	/**
	 * Removes the {@code batch.kubernetes.io/job-tracking} finalizer from a pod (a
	 * strategic merge patch that deletes just that entry; a pod already gone is not an
	 * error).
	 */
	void removeTrackingFinalizer(Pod pod);

	/**
	 * Deletes a finished Job whose ttlSecondsAfterFinished ran out, in the foreground
	 * (its pods first), as the TTL-after-finished controller does.
	 */
	void deleteFinished(Job job);

}
