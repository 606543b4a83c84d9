package io.stevedore.controller.replicaset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.stevedore.controller.workload.PodStates;

/**
 * A ReplicaSet's status from the pods it owns (Kubernetes' {@code calculateStatus}).
 */
final class ReplicaSetStatuses {

	static final String REPLICA_FAILURE = "ReplicaFailure";

	private ReplicaSetStatuses() {
	}

	/**
	 * @param manageError why creating or deleting pods failed in this sync, or null:
	 * reported as a {@code ReplicaFailure} condition, cleared once a sync succeeds
	 */
	static ReplicaSetStatus calculate(ReplicaSet rs, List<Pod> ownedActivePods, Exception manageError, boolean creating,
			Instant now) {
		int minReadySeconds = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
		Map<String, String> templateLabels = rs.getSpec().getTemplate().getMetadata() == null ? Map.of()
				: rs.getSpec().getTemplate().getMetadata().getLabels();
		int fullyLabeled = 0;
		int ready = 0;
		int available = 0;
		for (Pod pod : ownedActivePods) {
			Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of()
					: pod.getMetadata().getLabels();
			if (templateLabels == null || labels.entrySet().containsAll(templateLabels.entrySet())) {
				fullyLabeled++;
			}
			if (PodStates.isReady(pod)) {
				ready++;
				if (isAvailable(pod, minReadySeconds, now)) {
					available++;
				}
			}
		}
		List<ReplicaSetCondition> conditions = new ArrayList<>();
		ReplicaSetStatus old = rs.getStatus();
		if (old != null && old.getConditions() != null) {
			old.getConditions().stream().filter(c -> !REPLICA_FAILURE.equals(c.getType())).forEach(conditions::add);
		}
		if (manageError != null) {
			ReplicaSetCondition previous = old == null || old.getConditions() == null ? null
					: old.getConditions()
						.stream()
						.filter(c -> REPLICA_FAILURE.equals(c.getType()))
						.findFirst()
						.orElse(null);
			conditions.add(new ReplicaSetConditionBuilder().withType(REPLICA_FAILURE)
				.withStatus("True")
				.withReason(creating ? "FailedCreate" : "FailedDelete")
				.withMessage(manageError.getMessage())
				.withLastTransitionTime(previous != null ? previous.getLastTransitionTime() : now.toString())
				.build());
		}
		return new ReplicaSetStatusBuilder().withReplicas(ownedActivePods.size())
			.withFullyLabeledReplicas(fullyLabeled)
			.withReadyReplicas(ready)
			.withAvailableReplicas(available)
			.withObservedGeneration(rs.getMetadata().getGeneration())
			.withConditions(conditions)
			.build();
	}

	private static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
		return PodStates.isAvailable(pod, minReadySeconds, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
	}

	/**
	 * Whether two statuses say the same; zero and absent counts are the same (the API
	 * omits zeros).
	 */
	static boolean same(ReplicaSetStatus a, ReplicaSetStatus b) {
		if (a == null || b == null) {
			return a == b;
		}
		return n(a.getReplicas()) == n(b.getReplicas())
				&& n(a.getFullyLabeledReplicas()) == n(b.getFullyLabeledReplicas())
				&& n(a.getReadyReplicas()) == n(b.getReadyReplicas())
				&& n(a.getAvailableReplicas()) == n(b.getAvailableReplicas())
				&& java.util.Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
				&& conditions(a).equals(conditions(b));
	}

	private static List<ReplicaSetCondition> conditions(ReplicaSetStatus status) {
		return status.getConditions() == null ? List.of() : status.getConditions();
	}

	private static int n(Integer value) {
		return value == null ? 0 : value;
	}

}
