package io.stevedore.controller.job;

import java.time.Duration;

/**
 * @param podFailureBackoff the delay before replacing the first failed pod, doubled for
 * each further failure (Kubernetes' DefaultJobPodFailureBackOff, 10 s)
 * @param maxPodFailureBackoff the cap of that delay (Kubernetes' 10 min)
 */
record JobSettings(Duration podFailureBackoff, Duration maxPodFailureBackoff) {

	static JobSettings defaults() {
		return new JobSettings(Duration.ofSeconds(10), Duration.ofMinutes(10));
	}

	/** The delay after the n-th consecutive failure (n >= 1). */
	Duration backoffAfter(int failures) {
		if (failures <= 0) {
			return Duration.ZERO;
		}
		Duration delay = this.podFailureBackoff;
		for (int i = 1; i < failures; i++) {
			delay = delay.multipliedBy(2);
			if (delay.compareTo(this.maxPodFailureBackoff) >= 0) {
				return this.maxPodFailureBackoff;
			}
		}
		return delay.compareTo(this.maxPodFailureBackoff) > 0 ? this.maxPodFailureBackoff : delay;
	}

}
