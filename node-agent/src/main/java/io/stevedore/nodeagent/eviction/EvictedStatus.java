package io.stevedore.nodeagent.eviction;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;

/**
 * The status the kubelet gives a pod it evicted or refused under pressure: phase Failed,
 * reason Evicted, its message, and for an eviction the DisruptionTarget condition (reason
 * TerminationByKubelet) that tells controllers and Jobs' pod failure policies why.
 */
public final class EvictedStatus {

	private EvictedStatus() {
	}

	/**
	 * @param observed the status as the containers are now (killed, or never started)
	 * @param disruption whether to add DisruptionTarget (an eviction; not an admission
	 * refusal)
	 */
	public static PodStatus of(PodStatus observed, String message, boolean disruption, Instant now) {
		List<PodCondition> conditions = new ArrayList<>();
		if (observed.getConditions() != null) {
			observed.getConditions()
				.stream()
				.filter(c -> !"DisruptionTarget".equals(c.getType()))
				.forEach(conditions::add);
		}
		if (disruption) {
			conditions.add(new PodConditionBuilder().withType("DisruptionTarget")
				.withStatus("True")
				.withReason("TerminationByKubelet")
				.withMessage(message)
				.withLastTransitionTime(now.truncatedTo(ChronoUnit.SECONDS).toString())
				.build());
		}
		return new PodStatusBuilder(observed).withPhase("Failed")
			.withReason("Evicted")
			.withMessage(message)
			.withConditions(conditions)
			.build();
	}

}
