package io.stevedore.scheduler.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.Framework;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;

/**
 * Finds a node for one pod, Kubernetes' {@code schedulePod}:
 *
 * <pre>
 * PreFilter ─▶ Filter (from a rotating start, until enough feasible nodes) ─▶ PreScore ─▶ Score ─▶ pick
 * </pre>
 *
 * Filtering stops after {@link #numFeasibleNodesToFind} feasible nodes, because on a big
 * cluster scoring every node costs more than the small gain of a better pick; the start
 * rotates so every node gets its turn. Among the best scores one node is chosen by a
 * seeded random draw, so equal nodes share the load and a failing case replays.
 * <p>
 * Threading: the scheduling thread only (it keeps the rotation and the random source).
 */
public final class SchedulingAlgorithm {

	static final int MIN_FEASIBLE_NODES_TO_FIND = 100;

	static final int MIN_FEASIBLE_NODES_PERCENTAGE = 5;

	private final int percentageOfNodesToScore;

	private final RandomGenerator random;

	private int nextStartNodeIndex;

	public SchedulingAlgorithm(int percentageOfNodesToScore, RandomGenerator random) {
		this.percentageOfNodesToScore = percentageOfNodesToScore;
		this.random = random;
	}

	public ScheduleResult schedule(Framework framework, CycleState state, PodInfo pod, NodeSnapshot snapshot) {
		List<NodeInfo> nodes = snapshot.nodes();
		if (nodes.isEmpty()) {
			return new ScheduleResult(null, 0, 0, new FitError(0, Map.of(), null));
		}
		if (pod.invalid() != null) {
			return new ScheduleResult(null, 0, 0, new FitError(nodes.size(), Map.of(), pod.invalid()));
		}
		Status preFilter = framework.runPreFilter(state, pod, snapshot);
		if (!preFilter.isSuccess()) {
			return new ScheduleResult(null, 0, 0, new FitError(nodes.size(), Map.of(), preFilter.message()));
		}
		int wanted = numFeasibleNodesToFind(nodes.size());
		List<NodeInfo> feasible = new ArrayList<>(Math.min(wanted, nodes.size()));
		Map<String, Status> rejections = new HashMap<>();
		int processed = 0;
		int start = this.nextStartNodeIndex % nodes.size();
		for (; processed < nodes.size() && feasible.size() < wanted; processed++) {
			NodeInfo node = nodes.get((start + processed) % nodes.size());
			Status status = framework.runFilter(state, pod, node);
			if (status.isSuccess()) {
				feasible.add(node);
			}
			else {
				rejections.put(node.name(), status);
			}
		}
		this.nextStartNodeIndex = (start + processed) % nodes.size();
		if (feasible.isEmpty()) {
			return new ScheduleResult(null, processed, 0, new FitError(nodes.size(), rejections, null));
		}
		if (feasible.size() == 1 || !framework.hasScorePlugins()) {
			return new ScheduleResult(feasible.get(0).name(), processed, feasible.size(), null);
		}
		Status preScore = framework.runPreScore(state, pod, feasible, snapshot);
		if (!preScore.isSuccess()) {
			return new ScheduleResult(null, processed, feasible.size(),
					new FitError(nodes.size(), Map.of(), preScore.message()));
		}
		long[] scores = framework.runScore(state, pod, feasible);
		return new ScheduleResult(feasible.get(selectHost(scores)).name(), processed, feasible.size(), null);
	}

	/** The index of a best score; ties broken by reservoir sampling, uniformly. */
	int selectHost(long[] scores) {
		int selected = 0;
		int ties = 1;
		for (int i = 1; i < scores.length; i++) {
			if (scores[i] > scores[selected]) {
				selected = i;
				ties = 1;
			}
			else if (scores[i] == scores[selected]) {
				ties++;
				if (this.random.nextInt(ties) == 0) {
					selected = i;
				}
			}
		}
		return selected;
	}

	/** Kubernetes' {@code numFeasibleNodesToFind}. */
	int numFeasibleNodesToFind(int numAllNodes) {
		if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND || this.percentageOfNodesToScore >= 100) {
			return numAllNodes;
		}
		int percentage = this.percentageOfNodesToScore;
		if (percentage == 0) {
			percentage = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE, 50 - numAllNodes / 125);
		}
		return Math.max(MIN_FEASIBLE_NODES_TO_FIND, numAllNodes * percentage / 100);
	}

}
