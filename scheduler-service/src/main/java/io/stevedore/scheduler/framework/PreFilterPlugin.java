package io.stevedore.scheduler.framework;

/**
 * Computes per-pod data once before the per-node filters, or rejects the pod outright.
 */
public interface PreFilterPlugin extends Plugin {

	/**
	 * @return success, skip (the plugin's Filter is not needed for this pod), or a
	 * rejection that applies to every node
	 */
	Status preFilter(CycleState state, PodInfo pod, NodeSnapshot snapshot);

}
