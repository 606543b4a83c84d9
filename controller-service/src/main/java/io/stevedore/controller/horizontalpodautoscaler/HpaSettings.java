package io.stevedore.controller.horizontalpodautoscaler;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stevedore.controllers.horizontal-pod-autoscaler.*}, kube-controller-manager's
 * {@code --horizontal-pod-autoscaler-*} flags with their defaults.
 *
 * @param syncPeriod how often each HPA is looked at
 * ({@code --horizontal-pod-autoscaler-sync-period})
 * @param tolerance a usage ratio this close to 1 changes nothing
 * @param cpuInitializationPeriod after a pod starts, CPU samples are trusted only once it
 * is ready and measured over a window after that
 * @param initialReadinessDelay a pod not ready within this long of its start counts as
 * never having become ready
 * @param downscaleStabilization the scale-down window of an HPA without behavior, and of
 * a behavior that leaves it unset
 */
@ConfigurationProperties("stevedore.controllers.horizontal-pod-autoscaler")
public record HpaSettings(@DefaultValue("15s") Duration syncPeriod, @DefaultValue("0.1") double tolerance,
		@DefaultValue("5m") Duration cpuInitializationPeriod, @DefaultValue("30s") Duration initialReadinessDelay,
		@DefaultValue("5m") Duration downscaleStabilization) {

	public HpaSettings {
		if (syncPeriod.isZero() || syncPeriod.isNegative()) {
			throw new IllegalArgumentException(
					"stevedore.controllers.horizontal-pod-autoscaler.sync-period must be positive, got " + syncPeriod);
		}
		if (tolerance < 0) {
			throw new IllegalArgumentException(
					"stevedore.controllers.horizontal-pod-autoscaler.tolerance must not be negative, got " + tolerance);
		}
	}

	static HpaSettings defaults() {
		return new HpaSettings(Duration.ofSeconds(15), 0.1, Duration.ofMinutes(5), Duration.ofSeconds(30),
				Duration.ofMinutes(5));
	}

}
