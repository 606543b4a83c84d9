package io.stevedore.scheduler.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.stevedore.scheduler.framework.Status;

/**
 * Why no node fits, worded as Kubernetes' {@code FitError}: "0/5 nodes are available: 3
 * Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}." — each reason
 * counted over the nodes, sorted as text.
 *
 * @param numAllNodes nodes in the snapshot
 * @param rejections each rejected node's status, by node name
 * @param preFilterMessage set when a PreFilter rejected the pod for every node
 */
public record FitError(int numAllNodes, Map<String, Status> rejections, String preFilterMessage) {

	public static final String NO_NODES = "no nodes available to schedule pods";

	public String message() {
		if (this.numAllNodes == 0) {
			return NO_NODES;
		}
		Map<String, Integer> histogram = new TreeMap<>();
		if (this.preFilterMessage != null) {
			histogram.put(this.preFilterMessage, this.numAllNodes);
		}
		else {
			for (Status status : this.rejections.values()) {
				for (String reason : status.reasons()) {
					histogram.merge(reason, 1, Integer::sum);
				}
			}
		}
		List<String> parts = new ArrayList<>();
		histogram.forEach((reason, count) -> parts.add(count + " " + reason));
		parts.sort(null);
		return "0/" + this.numAllNodes + " nodes are available: " + String.join(", ", parts) + ".";
	}

}
