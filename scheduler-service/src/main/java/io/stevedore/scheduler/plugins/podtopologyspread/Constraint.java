package io.stevedore.scheduler.plugins.podtopologyspread;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.stevedore.machinery.selectors.LabelSelector;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.plugins.nodeaffinity.NodeAffinityPlugin;

/**
 * A parsed {@code topologySpreadConstraints} entry.
 *
 * @param honorNodeAffinity {@code nodeAffinityPolicy: Honor} (the default): only nodes
 * the pod's node affinity and selector accept count as domains
 */
record Constraint(int maxSkew, String topologyKey, boolean doNotSchedule, LabelSelector selector, int minDomains,
		boolean honorNodeAffinity) {

	static List<Constraint> of(PodInfo pod, boolean hard) {
		List<TopologySpreadConstraint> declared = pod.pod().getSpec().getTopologySpreadConstraints();
		if (declared == null || declared.isEmpty()) {
			return List.of();
		}
		List<Constraint> result = new ArrayList<>();
		for (int i = 0; i < declared.size(); i++) {
			TopologySpreadConstraint c = declared.get(i);
			boolean doNotSchedule = !"ScheduleAnyway".equals(c.getWhenUnsatisfiable());
			if (doNotSchedule != hard) {
				continue;
			}
			String field = "spec.topologySpreadConstraints[" + i + "]";
			if (c.getTopologyKey() == null || c.getTopologyKey().isEmpty()) {
				throw new IllegalArgumentException(field + ".topologyKey: Required value: can not be empty");
			}
			if (c.getMaxSkew() == null || c.getMaxSkew() <= 0) {
				throw new IllegalArgumentException(
						field + ".maxSkew: Invalid value: " + c.getMaxSkew() + ": must be greater than zero");
			}
			LabelSelector selector;
			try {
				selector = LabelSelector.from(c.getLabelSelector());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(field + ".labelSelector: Invalid value: " + ex.getMessage(), ex);
			}
			result.add(new Constraint(c.getMaxSkew(), c.getTopologyKey(), doNotSchedule, selector,
					c.getMinDomains() == null ? 1 : c.getMinDomains(), !"Ignore".equals(c.getNodeAffinityPolicy())));
		}
		return result;
	}

	/** Whether the node is one of this constraint's domains for this pod. */
	boolean counts(PodInfo pod, NodeInfo node) {
		return node.labels().containsKey(this.topologyKey)
				&& (!this.honorNodeAffinity || NodeAffinityPlugin.requiredMatches(pod, node.name(), node.labels()));
	}

	/** Pods on the node in the pod's namespace this constraint selects. */
	long matchingPods(PodInfo pod, NodeInfo node) {
		long count = 0;
		for (PodInfo existing : node.pods()) {
			if (existing.namespace().equals(pod.namespace())
					&& existing.pod().getMetadata().getDeletionTimestamp() == null
					&& this.selector.matches(existing.labels())) {
				count++;
			}
		}
		return count;
	}

}
