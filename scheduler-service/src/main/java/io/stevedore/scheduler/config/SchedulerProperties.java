package io.stevedore.scheduler.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stevedore.scheduler.plugins.InTreePlugins;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stevedore.scheduler.*}: Kubernetes' {@code KubeSchedulerConfiguration}, the
 * parts this scheduler implements.
 *
 * @param profiles one per {@code schedulerName}; a pod naming none of them is left alone
 * @param percentageOfNodesToScore stop filtering once this share of the nodes was found
 * feasible; 0 means Kubernetes' adaptive default (50% minus 1% per 125 nodes, at least
 * 5%, at least 100 nodes)
 * @param seed seeds the tie-break among equally scored nodes, so a run replays
 * @param podMaxInUnschedulablePods longest a pod waits for a cluster event before it is
 * retried anyway
 * @param leaderElection the Lease replicas compete for
 */
@ConfigurationProperties("stevedore.scheduler")
public record SchedulerProperties(List<Profile> profiles, @DefaultValue("0") int percentageOfNodesToScore,
		@DefaultValue("1") long seed, @DefaultValue("5m") Duration podMaxInUnschedulablePods,
		@DefaultValue LeaderElection leaderElection) {

	public SchedulerProperties {
		if (profiles == null || profiles.isEmpty()) {
			profiles = List.of(new Profile("default-scheduler", null, null, null));
		}
		if (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100) {
			throw new IllegalArgumentException("stevedore.scheduler.percentage-of-nodes-to-score: must be 0..100, got "
					+ percentageOfNodesToScore);
		}
	}

	/**
	 * @param schedulerName pods with this {@code spec.schedulerName} use this profile
	 * @param plugins enabled plugins with their score weights, replacing the defaults
	 * when set (order is the run order)
	 * @param disabled default plugins to switch off
	 * @param pluginArgs per plugin settings, e.g.
	 * {@code NodeResourcesFit.scoring-strategy: MostAllocated}
	 */
	public record Profile(String schedulerName, Map<String, Integer> plugins, List<String> disabled,
			Map<String, Map<String, String>> pluginArgs) {

		public Profile {
			if (schedulerName == null || schedulerName.isBlank()) {
				throw new IllegalArgumentException("stevedore.scheduler.profiles[].scheduler-name must be set");
			}
			Map<String, Integer> enabled = new LinkedHashMap<>(
					plugins == null || plugins.isEmpty() ? InTreePlugins.defaultPlugins() : plugins);
			if (disabled != null) {
				disabled.forEach(enabled::remove);
			}
			plugins = enabled;
			disabled = disabled == null ? List.of() : disabled;
			pluginArgs = pluginArgs == null ? Map.of() : pluginArgs;
		}

	}

	/**
	 * @param enabled run only while holding the Lease
	 * @param namespace namespace of the Lease
	 * @param name name of the Lease ({@code kube-scheduler}, as Kubernetes)
	 * @param identity this replica's identity; the host name and a random suffix if empty
	 */
	public record LeaderElection(@DefaultValue("true") boolean enabled, @DefaultValue("kube-system") String namespace,
			@DefaultValue("kube-scheduler") String name, String identity, @DefaultValue("10s") Duration leaseDuration,
			@DefaultValue("8s") Duration renewDeadline, @DefaultValue("2s") Duration retryPeriod) {
	}

}
