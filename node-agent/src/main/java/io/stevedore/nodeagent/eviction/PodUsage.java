package io.stevedore.nodeagent.eviction;

import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * What a pod's running containers use of the resource an eviction signal measures, read
 * when a pod must be chosen for eviction (the kubelet ranks by the same figures).
 */
@FunctionalInterface
public interface PodUsage {

	/**
	 * @return per container name: the memory working set (bytes) for memory, the writable
	 * layer and emptyDir volumes (bytes) for the disk signals, processes for pids; a
	 * container not running is left out
	 */
	Map<String, Long> of(Pod pod, EvictionSignal signal);

}
