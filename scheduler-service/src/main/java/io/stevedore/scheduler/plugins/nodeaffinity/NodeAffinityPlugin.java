package io.stevedore.scheduler.plugins.nodeaffinity;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.FilterPlugin;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.ScorePlugin;
import io.stevedore.scheduler.framework.Status;

/**
 * {@code spec.nodeSelector} and required node affinity filter nodes (both must hold);
 * preferred node affinity scores them by the summed weights of the terms a node matches,
 * normalized so the best node gets 100.
 */
public final class NodeAffinityPlugin implements FilterPlugin, ScorePlugin {

	public static final String NAME = "NodeAffinity";

	static final String REASON = "node(s) didn't match Pod's node affinity/selector";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
		// Most pods ask for no node: then the node's labels are not even read (a chain of
		// three objects per node examined).
		if (!constrained(pod)) {
			return Status.success();
		}
		return requiredMatches(pod, node.name(), node.labels()) ? Status.success() : Status.unresolvable(REASON);
	}

	/** Whether the pod has a nodeSelector or a required node affinity. */
	private static boolean constrained(PodInfo pod) {
		Map<String, String> selector = pod.pod().getSpec().getNodeSelector();
		if (selector != null && !selector.isEmpty()) {
			return true;
		}
		NodeAffinity affinity = nodeAffinity(pod);
		return affinity != null && affinity.getRequiredDuringSchedulingIgnoredDuringExecution() != null;
	}

	/** Also used by PodTopologySpread, which counts only nodes the pod could land on. */
	public static boolean requiredMatches(PodInfo pod, String nodeName, Map<String, String> labels) {
		Map<String, String> selector = pod.pod().getSpec().getNodeSelector();
		if (selector != null && !selector.isEmpty()) {
			for (Map.Entry<String, String> entry : selector.entrySet()) {
				if (!entry.getValue().equals(labels.get(entry.getKey()))) {
					return false;
				}
			}
		}
		NodeAffinity affinity = nodeAffinity(pod);
		if (affinity == null || affinity.getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
			return true;
		}
		return NodeSelectorTerms.matchesAny(
				affinity.getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms(), nodeName, labels);
	}

	@Override
	public long score(CycleState state, PodInfo pod, NodeInfo node) {
		NodeAffinity affinity = nodeAffinity(pod);
		List<PreferredSchedulingTerm> preferred = affinity == null ? null
				: affinity.getPreferredDuringSchedulingIgnoredDuringExecution();
		if (preferred == null) {
			return 0;
		}
		long score = 0;
		for (PreferredSchedulingTerm term : preferred) {
			if (term.getWeight() != null && term.getWeight() != 0 && term.getPreference() != null
					&& NodeSelectorTerms.matches(term.getPreference(), node.name(), node.labels())) {
				score += term.getWeight();
			}
		}
		return score;
	}

	@Override
	public void normalizeScore(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
		ScorePlugin.defaultNormalize(scores, false);
	}

	private static NodeAffinity nodeAffinity(PodInfo pod) {
		return pod.pod().getSpec().getAffinity() == null ? null : pod.pod().getSpec().getAffinity().getNodeAffinity();
	}

}
