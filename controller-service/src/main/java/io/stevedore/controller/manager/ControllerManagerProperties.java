package io.stevedore.controller.manager;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stevedore.controllers.*}: which controllers run and how
 * (kube-controller-manager's {@code --controllers}, {@code --concurrent-*-syncs} and
 * {@code --leader-elect*}).
 *
 * @param enabled as {@code --controllers}: {@code *} for all, a name to enable,
 * {@code -name} to disable
 * @param workers per-controller worker counts, by controller name
 * @param leaderElection the Lease the replicas compete for
 */
@ConfigurationProperties("stevedore.controllers")
public record ControllerManagerProperties(@DefaultValue("*") List<String> enabled, Map<String, Integer> workers,
		@DefaultValue LeaderElection leaderElection) {

	public boolean isEnabled(String name) {
		if (this.enabled.contains("-" + name)) {
			return false;
		}
		return this.enabled.contains(name) || this.enabled.contains("*");
	}

	public int workers(ControllerFactory factory) {
		Integer configured = this.workers == null ? null : this.workers.get(factory.name());
		if (configured == null) {
			return factory.defaultWorkers();
		}
		if (configured < 1) {
			throw new IllegalArgumentException(
					"stevedore.controllers.workers." + factory.name() + " must be at least 1, got " + configured);
		}
		return configured;
	}

	/**
	 * Shorter than Kubernetes' 15s/10s/2s so a standby takes over within 15 s of the
	 * leader's last renewal (issue 5); a leader that shuts down releases the Lease and is
	 * replaced within one retry period.
	 *
	 * @param identity empty: the host name plus a random suffix
	 */
	public record LeaderElection(@DefaultValue("true") boolean enabled, @DefaultValue("kube-system") String namespace,
			@DefaultValue("kube-controller-manager") String name, String identity,
			@DefaultValue("10s") Duration leaseDuration, @DefaultValue("8s") Duration renewDeadline,
			@DefaultValue("2s") Duration retryPeriod) {
	}

}
