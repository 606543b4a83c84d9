package io.stevedore.controller.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.controller.replicaset.PodDeletionOrder;

/**
 * The active pods an Indexed Job removes (Kubernetes'
 * {@code appendDuplicatedIndexPodsForRemoval}): those without a valid completion index,
 * such as an adopted orphan or an index at or above completions, and every pod of an
 * index but the most valuable one (ready, running, older first kept, as
 * {@link PodDeletionOrder}). Without this an adopted pod would hold a parallelism slot
 * while completing no index.
 */
final class SurplusIndexedPods {

	private SurplusIndexedPods() {
	}

	static List<Pod> of(List<Pod> active, int completions) {
		List<Pod> surplus = new ArrayList<>();
		Map<Integer, List<Pod>> byIndex = new TreeMap<>();
		for (Pod pod : active) {
			int index = CompletionIndexes.of(pod, completions);
			if (index < 0) {
				surplus.add(pod);
			}
			else {
				byIndex.computeIfAbsent(index, (i) -> new ArrayList<>()).add(pod);
			}
		}
		for (List<Pod> pods : byIndex.values()) {
			if (pods.size() > 1) {
				pods.sort(PodDeletionOrder.LEAST_VALUABLE_FIRST);
				surplus.addAll(pods.subList(0, pods.size() - 1));
			}
		}
		return surplus;
	}

}
