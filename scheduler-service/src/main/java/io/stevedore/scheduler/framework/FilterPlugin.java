package io.stevedore.scheduler.framework;

/**
 * Says whether a pod may run on one node. Called concurrently for different nodes is
 * allowed by Kubernetes; here filters run on the scheduling thread, but must still not
 * write to the CycleState.
 */
public interface FilterPlugin extends Plugin {

	Status filter(CycleState state, PodInfo pod, NodeInfo node);

}
