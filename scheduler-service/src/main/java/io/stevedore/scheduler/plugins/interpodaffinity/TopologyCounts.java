package io.stevedore.scheduler.plugins.interpodaffinity;

import java.util.HashMap;
import java.util.Map;

/** Counts (or weights) per topology domain: topologyKey, then label value. */
final class TopologyCounts {

	private final Map<String, Map<String, Long>> counts = new HashMap<>();

	void add(String topologyKey, Map<String, String> nodeLabels, long amount) {
		String value = nodeLabels.get(topologyKey);
		if (value != null) {
			this.counts.computeIfAbsent(topologyKey, (k) -> new HashMap<>()).merge(value, amount, Long::sum);
		}
	}

	long get(String topologyKey, String value) {
		Map<String, Long> byValue = this.counts.get(topologyKey);
		return byValue == null || value == null ? 0 : byValue.getOrDefault(value, 0L);
	}

	boolean isEmpty() {
		return this.counts.isEmpty();
	}

	/**
	 * Whether any domain of the node (for any topology key counted) has a non-zero count.
	 */
	boolean anyPositive(Map<String, String> nodeLabels) {
		for (Map.Entry<String, Map<String, Long>> entry : this.counts.entrySet()) {
			String value = nodeLabels.get(entry.getKey());
			if (value != null && entry.getValue().getOrDefault(value, 0L) > 0) {
				return true;
			}
		}
		return false;
	}

	/** The sum of the node's domains' values over every topology key. */
	long sumFor(Map<String, String> nodeLabels) {
		long sum = 0;
		for (Map.Entry<String, Map<String, Long>> entry : this.counts.entrySet()) {
			String value = nodeLabels.get(entry.getKey());
			if (value != null) {
				sum += entry.getValue().getOrDefault(value, 0L);
			}
		}
		return sum;
	}

}
