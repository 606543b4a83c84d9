package io.stevedore.client.leaderelection;

import java.time.Duration;

/**
 * Where and how replicas compete for leadership: a {@code coordination.k8s.io} Lease and
 * client-go's three timings. A standby takes over at most about
 * {@code leaseDuration + retryPeriod} after the leader stops renewing.
 *
 * @param namespace namespace of the Lease, usually {@code kube-system}
 * @param name name of the Lease, e.g. {@code kube-controller-manager}
 * @param identity this replica's holder identity; unique per process
 * @param leaseDuration how long a standby waits after the last renewal before taking over
 * @param renewDeadline how long the leader keeps trying to renew before it gives up
 * @param retryPeriod pause between attempts to acquire or renew
 */
public record LeaderElectionSettings(String namespace, String name, String identity, Duration leaseDuration,
		Duration renewDeadline, Duration retryPeriod) {

	public LeaderElectionSettings {
		require("namespace", namespace);
		require("name", name);
		require("identity", identity);
		if (leaseDuration.compareTo(renewDeadline) <= 0) {
			throw new IllegalArgumentException("leader election: leaseDuration (" + leaseDuration
					+ ") must be greater than renewDeadline (" + renewDeadline + ")");
		}
		if (renewDeadline.compareTo(retryPeriod) <= 0) {
			throw new IllegalArgumentException("leader election: renewDeadline (" + renewDeadline
					+ ") must be greater than retryPeriod (" + retryPeriod + ")");
		}
	}

	private static void require(String field, String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("leader election: " + field + " must not be empty");
		}
	}

}
