package io.stevedore.scheduler.plugins.defaultpreemption;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stevedore.machinery.selectors.LabelSelector;
import io.stevedore.scheduler.framework.PodInfo;

/**
 * Kubernetes' {@code filterPodsWithPDBViolation}: walks the pods in order and charges
 * each against the budgets that select it, out of a copy of
 * {@code status.disruptionsAllowed}; a pod that takes any budget below zero would violate
 * it. A pod the budget already lists in {@code status.disruptedPods} is not charged
 * again, and a budget with a nil or empty selector selects nothing.
 */
final class PdbViolations {

	private PdbViolations() {
	}

	/** [violating, non-violating], each in the order given. */
	static List<List<PodInfo>> split(List<PodInfo> pods, List<PodDisruptionBudget> pdbs) {
		List<PodInfo> violating = new ArrayList<>();
		List<PodInfo> nonViolating = new ArrayList<>();
		int[] allowed = new int[pdbs.size()];
		LabelSelector[] selectors = new LabelSelector[pdbs.size()];
		for (int i = 0; i < pdbs.size(); i++) {
			PodDisruptionBudget pdb = pdbs.get(i);
			Integer disruptionsAllowed = pdb.getStatus() == null ? null : pdb.getStatus().getDisruptionsAllowed();
			allowed[i] = disruptionsAllowed == null ? 0 : disruptionsAllowed;
			selectors[i] = selector(pdb);
		}
		for (PodInfo pod : pods) {
			boolean violates = false;
			Map<String, String> labels = pod.labels();
			if (labels != null && !labels.isEmpty()) {
				for (int i = 0; i < pdbs.size(); i++) {
					PodDisruptionBudget pdb = pdbs.get(i);
					if (!pod.namespace().equals(pdb.getMetadata().getNamespace()) || !selectors[i].matches(labels)
							|| alreadyDisrupted(pdb, pod)) {
						continue;
					}
					allowed[i]--;
					if (allowed[i] < 0) {
						violates = true;
					}
				}
			}
			(violates ? violating : nonViolating).add(pod);
		}
		return List.of(violating, nonViolating);
	}

	private static LabelSelector selector(PodDisruptionBudget pdb) {
		io.fabric8.kubernetes.api.model.LabelSelector selector = pdb.getSpec() == null ? null
				: pdb.getSpec().getSelector();
		if (selector == null || ((selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
				&& (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty()))) {
			return LabelSelector.nothing();
		}
		try {
			return LabelSelector.from(selector);
		}
		catch (IllegalArgumentException ex) {
			// Kubernetes skips a budget whose selector does not convert.
			return LabelSelector.nothing();
		}
	}

	private static boolean alreadyDisrupted(PodDisruptionBudget pdb, PodInfo pod) {
		return pdb.getStatus() != null && pdb.getStatus().getDisruptedPods() != null
				&& pdb.getStatus().getDisruptedPods().containsKey(pod.pod().getMetadata().getName());
	}

}
