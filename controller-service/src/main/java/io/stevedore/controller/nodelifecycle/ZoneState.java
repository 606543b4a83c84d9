package io.stevedore.controller.nodelifecycle;

/**
 * How a zone is doing (Kubernetes' {@code ZoneState}), which sets how fast nodes in it
 * may get NoExecute taints: mass failure is more likely the control plane's network than
 * the machines, and evicting everything would make it worse.
 */
enum ZoneState {

	/** Few nodes down: evict at the normal rate. */
	NORMAL,

	/**
	 * Most nodes (more than two) down: evict slowly in a large zone, not at all in a
	 * small one.
	 */
	PARTIAL_DISRUPTION,

	/**
	 * Every node down: normal rate, unless every zone is down, then no eviction at all.
	 */
	FULL_DISRUPTION;

	static ZoneState of(int ready, int notReady, double unhealthyThreshold) {
		if (ready == 0 && notReady > 0) {
			return FULL_DISRUPTION;
		}
		if (notReady > 2 && (double) notReady / (notReady + ready) >= unhealthyThreshold) {
			return PARTIAL_DISRUPTION;
		}
		return NORMAL;
	}

}
