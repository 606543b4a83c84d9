package io.stevedore.nodeagent.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * The agent's writes to pods in the API, behind an interface so the sync is unit-tested.
 */
public interface PodApi {

	/** Writes the pod's status subresource. */
	void updateStatus(Pod pod, PodStatus status);

	/**
	 * Finishes a graceful deletion once the pod's containers are gone (grace period 0).
	 */
	void deleteNow(Pod pod);

	/** Records an event about the pod (best effort). */
	void event(Pod pod, String type, String reason, String message, String fieldPath);

}
