package io.stevedore.scheduler.framework;

/**
 * Claims what the chosen node gives the pod before binding starts; {@link #unreserve}
 * undoes it if a later step fails. Unreserve must be idempotent.
 */
public interface ReservePlugin extends Plugin {

	Status reserve(CycleState state, PodInfo pod, String nodeName);

	void unreserve(CycleState state, PodInfo pod, String nodeName);

}
