package io.stevedore.controller.podgc;

import java.time.Duration;

/**
 * kube-controller-manager's PodGC knobs.
 *
 * @param terminatedPodThreshold {@code --terminated-pod-gc-threshold}: terminated pods
 * kept before the oldest are deleted; 0 or less switches that part off
 * @param quarantine how long a pod's Node must stay missing before its pods go (40 s in
 * Kubernetes: a Node being re-registered is not mistaken for a deleted one)
 * @param checkPeriod how often a pass runs (20 s in Kubernetes)
 */
public record PodGcSettings(int terminatedPodThreshold, Duration quarantine, Duration checkPeriod) {

	public PodGcSettings {
		if (quarantine.isNegative()) {
			throw new IllegalArgumentException("stevedore.controllers.podgc.quarantine must not be negative");
		}
		if (checkPeriod.isNegative() || checkPeriod.isZero()) {
			throw new IllegalArgumentException("stevedore.controllers.podgc.check-period must be positive");
		}
	}

}
