package io.stevedore.scheduler.framework;

import java.util.Map;

/** Runs when no node fits: preemption makes room and nominates a node. */
public interface PostFilterPlugin extends Plugin {

	/**
	 * @param rejections the reason each node was rejected, by node name
	 * @return the nominated node, or a status saying why none could be made to fit
	 */
	PostFilterResult postFilter(CycleState state, PodInfo pod, NodeSnapshot snapshot, Map<String, Status> rejections,
			Filters filters);

	/**
	 * The profile's filters, so a PostFilter can ask "would the pod fit on this changed
	 * node?".
	 */
	@FunctionalInterface
	interface Filters {

		Status run(CycleState state, PodInfo pod, NodeInfo node);

	}

	/** A nominated node name (null when none) and the outcome. */
	record PostFilterResult(String nominatedNodeName, Status status) {
	}

}
