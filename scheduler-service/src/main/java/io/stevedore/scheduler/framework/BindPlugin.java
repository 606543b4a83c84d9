package io.stevedore.scheduler.framework;

/**
 * Writes the placement. Runs on a binding thread, off the scheduling thread, and may
 * block on the API. Returns skip to let the next bind plugin do it.
 */
public interface BindPlugin extends Plugin {

	Status bind(CycleState state, PodInfo pod, String nodeName);

}
