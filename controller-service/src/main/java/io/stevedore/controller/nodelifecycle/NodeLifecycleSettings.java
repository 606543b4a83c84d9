package io.stevedore.controller.nodelifecycle;

import java.time.Duration;

/**
 * The node lifecycle controller's knobs (kube-controller-manager's
 * {@code --node-monitor-grace-period}, {@code --node-eviction-rate} and friends). The
 * grace period is much shorter than Kubernetes' 40 s so that, with the 5 s tolerations
 * the gateway's DefaultTolerationSeconds admission gives pods in local clusters, a lost
 * machine's pods run elsewhere in under 20 s.
 *
 * @param gracePeriod how long a node's Lease may go unrenewed before Ready=Unknown
 * @param monitorPeriod how often every node is looked at
 * @param evictionRate nodes per second that may get a NoExecute taint in a healthy zone
 * @param secondaryEvictionRate the same in a large zone that is mostly down
 * @param unhealthyZoneThreshold the share of not-ready nodes (with more than two) that
 * makes a zone partially disrupted
 * @param largeClusterThreshold zones with at most this many nodes stop evicting when
 * partially disrupted
 */
public record NodeLifecycleSettings(Duration gracePeriod, Duration monitorPeriod, double evictionRate,
		double secondaryEvictionRate, double unhealthyZoneThreshold, int largeClusterThreshold) {

	public static NodeLifecycleSettings defaults() {
		return new NodeLifecycleSettings(Duration.ofSeconds(8), Duration.ofSeconds(1), 0.1, 0.01, 0.55, 50);
	}

	public NodeLifecycleSettings {
		if (gracePeriod.isNegative() || gracePeriod.isZero()) {
			throw new IllegalArgumentException("node-lifecycle grace-period must be positive, got " + gracePeriod);
		}
	}

}
