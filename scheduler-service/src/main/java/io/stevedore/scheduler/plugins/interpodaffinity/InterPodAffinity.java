package io.stevedore.scheduler.plugins.interpodaffinity;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.stevedore.scheduler.framework.AffinityTerm;
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
 * Pod affinity and anti-affinity over topology domains. PreFilter counts, per domain
 * ({@code topologyKey=value}), the existing pods the incoming pod's terms select and the
 * existing pods whose anti-affinity selects the incoming pod; Filter then only looks the
 * node's domains up. As in Kubernetes, the anti-affinity of pods already running is
 * honoured too (symmetry), and a pod whose affinity selects itself may start a group when
 * no matching pod exists yet.
 */
public final class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {

	public static final String NAME = "InterPodAffinity";

	static final String EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

	static final String ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

	static final String AFFINITY = "node(s) didn't match pod affinity rules";

	/** Weight of an existing pod's required affinity in scoring (Kubernetes' default). */
	static final long HARD_POD_AFFINITY_WEIGHT = 1;

	private static final CycleState.Key<FilterState> FILTER_STATE = CycleState.Key.of(NAME + "/filter",
			FilterState.class);

	private static final CycleState.Key<TopologyCounts> SCORE_STATE = CycleState.Key.of(NAME + "/score",
			TopologyCounts.class);

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Status preFilter(CycleState state, PodInfo pod, NodeSnapshot snapshot) {
		Function<String, Map<String, String>> namespaces = snapshot.namespaceLabels();
		TopologyCounts existingAnti = new TopologyCounts();
		for (NodeInfo node : snapshot.nodesWithRequiredAntiAffinityPods()) {
			for (PodInfo existing : node.podsWithRequiredAntiAffinity()) {
				for (AffinityTerm term : existing.requiredAntiAffinity()) {
					if (term.matches(pod, namespaces)) {
						existingAnti.add(term.topologyKey(), node.labels(), 1);
					}
				}
			}
		}
		TopologyCounts affinity = new TopologyCounts();
		TopologyCounts anti = new TopologyCounts();
		if (!pod.requiredAffinity().isEmpty() || !pod.requiredAntiAffinity().isEmpty()) {
			for (NodeInfo node : snapshot.nodes()) {
				for (PodInfo existing : node.pods()) {
					if (!pod.requiredAffinity().isEmpty() && matchesAll(pod.requiredAffinity(), existing, namespaces)) {
						for (AffinityTerm term : pod.requiredAffinity()) {
							affinity.add(term.topologyKey(), node.labels(), 1);
						}
					}
					for (AffinityTerm term : pod.requiredAntiAffinity()) {
						if (term.matches(existing, namespaces)) {
							anti.add(term.topologyKey(), node.labels(), 1);
						}
					}
				}
			}
		}
		if (existingAnti.isEmpty() && pod.requiredAffinity().isEmpty() && pod.requiredAntiAffinity().isEmpty()) {
			return Status.skip();
		}
		boolean selfMatch = matchesAll(pod.requiredAffinity(), pod, namespaces);
		state.write(FILTER_STATE, new FilterState(existingAnti, affinity, anti, selfMatch));
		return Status.success();
	}

	private static boolean matchesAll(List<AffinityTerm> terms, PodInfo pod,
			Function<String, Map<String, String>> namespaces) {
		for (AffinityTerm term : terms) {
			if (!term.matches(pod, namespaces)) {
				return false;
			}
		}
		return true;
	}

	@Override
	public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
		FilterState counts = state.read(FILTER_STATE);
		if (counts == null) {
			return Status.error("InterPodAffinity: PreFilter state missing");
		}
		Map<String, String> labels = node.labels();
		if (counts.existingAnti().anyPositive(labels)) {
			return Status.unschedulable(EXISTING_ANTI_AFFINITY);
		}
		for (AffinityTerm term : pod.requiredAntiAffinity()) {
			if (counts.anti().get(term.topologyKey(), labels.get(term.topologyKey())) > 0) {
				return Status.unschedulable(ANTI_AFFINITY);
			}
		}
		if (!pod.requiredAffinity().isEmpty()) {
			// The first pod of a group that selects itself may go anywhere the
			// topology keys exist.
			boolean firstOfGroup = counts.affinity().isEmpty() && counts.selfMatch();
			for (AffinityTerm term : pod.requiredAffinity()) {
				String value = labels.get(term.topologyKey());
				if (value == null || (!firstOfGroup && counts.affinity().get(term.topologyKey(), value) == 0)) {
					return Status.unresolvable(AFFINITY);
				}
			}
		}
		return Status.success();
	}

	@Override
	public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, NodeSnapshot snapshot) {
		boolean hasPreferred = !pod.preferredAffinity().isEmpty() || !pod.preferredAntiAffinity().isEmpty();
		List<NodeInfo> nodes = hasPreferred ? snapshot.nodes() : snapshot.nodesWithAffinityPods();
		if (nodes.isEmpty()) {
			return Status.skip();
		}
		Function<String, Map<String, String>> namespaces = snapshot.namespaceLabels();
		TopologyCounts scores = new TopologyCounts();
		for (NodeInfo node : nodes) {
			List<PodInfo> pods = hasPreferred ? node.pods() : node.podsWithAffinity();
			for (PodInfo existing : pods) {
				for (AffinityTerm term : pod.preferredAffinity()) {
					if (term.matches(existing, namespaces)) {
						scores.add(term.topologyKey(), node.labels(), term.weight());
					}
				}
				for (AffinityTerm term : pod.preferredAntiAffinity()) {
					if (term.matches(existing, namespaces)) {
						scores.add(term.topologyKey(), node.labels(), -term.weight());
					}
				}
				// Symmetry: what the existing pods want of the incoming one.
				for (AffinityTerm term : existing.requiredAffinity()) {
					if (term.matches(pod, namespaces)) {
						scores.add(term.topologyKey(), node.labels(), HARD_POD_AFFINITY_WEIGHT);
					}
				}
				for (AffinityTerm term : existing.preferredAffinity()) {
					if (term.matches(pod, namespaces)) {
						scores.add(term.topologyKey(), node.labels(), term.weight());
					}
				}
				for (AffinityTerm term : existing.preferredAntiAffinity()) {
					if (term.matches(pod, namespaces)) {
						scores.add(term.topologyKey(), node.labels(), -term.weight());
					}
				}
			}
		}
		if (scores.isEmpty()) {
			return Status.skip();
		}
		state.write(SCORE_STATE, scores);
		return Status.success();
	}

	@Override
	public long score(CycleState state, PodInfo pod, NodeInfo node) {
		TopologyCounts scores = state.read(SCORE_STATE);
		return scores == null ? 0 : scores.sumFor(node.labels());
	}

	/** Raw scores may be negative: min-max scaled to 0..100. */
	@Override
	public void normalizeScore(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
		long min = Long.MAX_VALUE;
		long max = Long.MIN_VALUE;
		for (long score : scores) {
			min = Math.min(min, score);
			max = Math.max(max, score);
		}
		for (int i = 0; i < scores.length; i++) {
			scores[i] = max == min ? 0 : MAX_NODE_SCORE * (scores[i] - min) / (max - min);
		}
	}

	private record FilterState(TopologyCounts existingAnti, TopologyCounts affinity, TopologyCounts anti,
			boolean selfMatch) {
	}

}
