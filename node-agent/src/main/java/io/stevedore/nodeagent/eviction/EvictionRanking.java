package io.stevedore.nodeagent.eviction;

import java.util.Comparator;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * The order in which the kubelet evicts pods for a starved resource: for memory and disk,
 * pods using more than they requested first, then lower priority first, then the largest
 * use above the request; for process ids, lower priority first, then the most processes.
 * (BestEffort pods request nothing, so any use exceeds their request: they go first at
 * equal priority, as the QoS ordering of old did.)
 */
final class EvictionRanking {

	/** One pod that may be evicted, with its use and request of the starved resource. */
	record Candidate(Pod pod, long usage, long request, int priority) {

		boolean exceedsRequest() {
			return this.usage > this.request;
		}

	}

	private EvictionRanking() {
	}

	static List<Candidate> rank(List<Candidate> candidates, EvictionSignal signal) {
		Comparator<Candidate> byPriority = Comparator.comparingInt(Candidate::priority);
		Comparator<Candidate> order = (signal == EvictionSignal.PID_AVAILABLE)
				? byPriority.thenComparing(Comparator.comparingLong(Candidate::usage).reversed())
				: Comparator.comparing(Candidate::exceedsRequest)
					.reversed()
					.thenComparing(byPriority)
					.thenComparing(Comparator.comparingLong((Candidate c) -> c.usage() - c.request()).reversed());
		return candidates.stream().sorted(order).toList();
	}

}
