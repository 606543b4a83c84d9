package io.stevedore.controller.podgc;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * The pod garbage collector's reads and writes of the API, behind an interface for unit
 * tests.
 */
public interface PodGcControl {

	/**
	 * Whether the Node exists, asked of the apiserver rather than the cache: a lagging
	 * cache must never get a pod deleted from a Node that was just created.
	 */
	boolean nodeExists(String name);

	/**
	 * PUT pods/{name}/status with the pod's resourceVersion; returns the pod as stored.
	 */
	Pod updateStatus(Pod pod);

	/** DELETE with gracePeriodSeconds=0 (a force delete, as Kubernetes' PodGC). */
	void forceDelete(Pod pod);

}
