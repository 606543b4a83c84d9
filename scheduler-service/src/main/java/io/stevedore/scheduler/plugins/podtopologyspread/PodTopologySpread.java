package io.stevedore.scheduler.plugins.podtopologyspread;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.FilterPlugin;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.PreFilterPlugin;
import io.stevedore.scheduler.framework.PreScorePlugin;
import io.stevedore.scheduler.framework.ScorePlugin;
import io.stevedore.scheduler.framework.Status;

/**
 * {@code topologySpreadConstraints}: DoNotSchedule constraints filter nodes where the pod
 * would make (matching pods in the node's domain + 1) - (fewest in any domain) exceed
 * maxSkew; with fewer domains than {@code minDomains} the fewest counts as 0.
 * ScheduleAnyway constraints prefer the domains with the fewest matching pods.
 */
public final class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {

	public static final String NAME = "PodTopologySpread";

	static final String MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";

	static final String SKEW = "node(s) didn't match pod topology spread constraints";

	private static final CycleState.Key<SpreadState> FILTER_STATE = CycleState.Key.of(NAME + "/filter",
			SpreadState.class);

	private static final CycleState.Key<SpreadState> SCORE_STATE = CycleState.Key.of(NAME + "/score",
			SpreadState.class);

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Status preFilter(CycleState state, PodInfo pod, NodeSnapshot snapshot) {
		List<Constraint> constraints;
		try {
			constraints = Constraint.of(pod, true);
		}
		catch (IllegalArgumentException ex) {
			return Status.unresolvable(ex.getMessage());
		}
		if (constraints.isEmpty()) {
			return Status.skip();
		}
		state.write(FILTER_STATE, SpreadState.count(pod, constraints, snapshot.nodes()));
		return Status.success();
	}

	@Override
	public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
		SpreadState spread = state.read(FILTER_STATE);
		if (spread == null) {
			return Status.error("PodTopologySpread: PreFilter state missing");
		}
		for (int i = 0; i < spread.constraints().size(); i++) {
			Constraint constraint = spread.constraints().get(i);
			String domain = node.labels().get(constraint.topologyKey());
			if (domain == null) {
				return Status.unresolvable(MISSING_LABEL);
			}
			Map<String, Long> counts = spread.counts().get(i);
			long min = counts.size() < constraint.minDomains() ? 0
					: counts.values().stream().mapToLong(Long::longValue).min().orElse(0);
			long self = constraint.selector().matches(pod.labels()) ? 1 : 0;
			long skew = counts.getOrDefault(domain, 0L) + self - min;
			if (skew > constraint.maxSkew()) {
				return Status.unschedulable(SKEW);
			}
		}
		return Status.success();
	}

	@Override
	public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, NodeSnapshot snapshot) {
		List<Constraint> constraints;
		try {
			constraints = Constraint.of(pod, false);
		}
		catch (IllegalArgumentException ex) {
			return Status.unresolvable(ex.getMessage());
		}
		if (constraints.isEmpty()) {
			return Status.skip();
		}
		state.write(SCORE_STATE, SpreadState.count(pod, constraints, snapshot.nodes()));
		return Status.success();
	}

	@Override
	public long score(CycleState state, PodInfo pod, NodeInfo node) {
		SpreadState spread = state.read(SCORE_STATE);
		long score = 0;
		for (int i = 0; i < spread.constraints().size(); i++) {
			String domain = node.labels().get(spread.constraints().get(i).topologyKey());
			if (domain == null) {
				// Kubernetes scores a node without the key as the worst.
				return Long.MAX_VALUE / 4;
			}
			score += spread.counts().get(i).getOrDefault(domain, 0L);
		}
		return score;
	}

	/** Fewer matching pods in the node's domains is better. */
	@Override
	public void normalizeScore(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
		long min = Long.MAX_VALUE;
		long max = 0;
		for (long score : scores) {
			if (score < Long.MAX_VALUE / 4) {
				min = Math.min(min, score);
				max = Math.max(max, score);
			}
		}
		for (int i = 0; i < scores.length; i++) {
			if (scores[i] >= Long.MAX_VALUE / 4) {
				scores[i] = 0;
			}
			else {
				scores[i] = max == 0 ? MAX_NODE_SCORE : MAX_NODE_SCORE * (max + min - scores[i]) / max;
			}
		}
	}

	/** Per constraint (same index), matching pods per domain of the eligible nodes. */
	private record SpreadState(List<Constraint> constraints, List<Map<String, Long>> counts) {

		static SpreadState count(PodInfo pod, List<Constraint> constraints, List<NodeInfo> nodes) {
			List<Map<String, Long>> counts = new ArrayList<>();
			for (Constraint constraint : constraints) {
				Map<String, Long> byDomain = new HashMap<>();
				for (NodeInfo node : nodes) {
					if (constraint.counts(pod, node)) {
						byDomain.merge(node.labels().get(constraint.topologyKey()), constraint.matchingPods(pod, node),
								Long::sum);
					}
				}
				counts.add(byDomain);
			}
			return new SpreadState(constraints, counts);
		}

	}

}
