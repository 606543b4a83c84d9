package io.stevedore.nodeagent.hollow;

import java.time.Duration;

/**
 * The first delay of node {@code i}'s periodic task, so that N nodes with the same period
 * fire at N evenly spaced instants of each period instead of all in the same millisecond:
 * 1,000 Lease renewals every 2 s become one every 2 ms. Each kind of task has its own
 * shift as a fraction of the period, so a node's renewal and its status sync do not
 * coincide either.
 */
final class PhaseSpread {

	private PhaseSpread() {
	}

	/**
	 * @param index the node's index, 0 to nodes-1
	 * @param nodes how many nodes share the period
	 * @param period the task's period
	 * @param shift fraction of one node's slot to shift this kind of task by, 0 to 1
	 */
	static Duration offset(int index, int nodes, Duration period, double shift) {
		if (nodes < 1 || index < 0 || index >= nodes) {
			throw new IllegalArgumentException("node " + index + " of " + nodes);
		}
		long periodNanos = period.toNanos();
		double slot = (double) periodNanos / nodes;
		return Duration.ofNanos((long) (slot * (index + shift)));
	}

}
