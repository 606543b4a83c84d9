package io.stevedore.controller.deployment;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

/**
 * Deployment conditions and the reasons kubectl and Helm read (Kubernetes'
 * {@code deploymentutil} condition helpers and {@code progress.go} predicates).
 */
final class DeploymentConditions {

	static final String AVAILABLE = "Available";

	static final String PROGRESSING = "Progressing";

	static final String REPLICA_FAILURE = "ReplicaFailure";

	static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";

	static final String NEW_RS_CREATED = "NewReplicaSetCreated";

	static final String FOUND_NEW_RS = "FoundNewReplicaSet";

	static final String RS_UPDATED = "ReplicaSetUpdated";

	static final String RS_CREATE_ERROR = "ReplicaSetCreateError";

	static final String TIMED_OUT = "ProgressDeadlineExceeded";

	static final String PAUSED = "DeploymentPaused";

	static final String RESUMED = "DeploymentResumed";

	static final String MIN_AVAILABLE = "MinimumReplicasAvailable";

	static final String MIN_UNAVAILABLE = "MinimumReplicasUnavailable";

	private DeploymentConditions() {
	}

	static DeploymentCondition condition(String type, String status, String reason, String message, Instant now) {
		String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
		return new DeploymentConditionBuilder().withType(type)
			.withStatus(status)
			.withReason(reason)
			.withMessage(message)
			.withLastUpdateTime(time)
			.withLastTransitionTime(time)
			.build();
	}

	static DeploymentCondition get(DeploymentStatus status, String type) {
		if (status == null || status.getConditions() == null) {
			return null;
		}
		return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
	}

	/**
	 * Kubernetes' {@code SetDeploymentCondition}: the same status and reason changes
	 * nothing; the same status keeps the last transition time.
	 */
	static void set(DeploymentStatus status, DeploymentCondition condition) {
		DeploymentCondition current = get(status, condition.getType());
		if (current != null && current.getStatus().equals(condition.getStatus())
				&& java.util.Objects.equals(current.getReason(), condition.getReason())) {
			return;
		}
		if (current != null && current.getStatus().equals(condition.getStatus())) {
			condition.setLastTransitionTime(current.getLastTransitionTime());
		}
		remove(status, condition.getType());
		status.getConditions().add(condition);
	}

	static void remove(DeploymentStatus status, String type) {
		List<DeploymentCondition> kept = new ArrayList<>();
		if (status.getConditions() != null) {
			status.getConditions().stream().filter(c -> !type.equals(c.getType())).forEach(kept::add);
		}
		status.setConditions(kept);
	}

	/** A deadline of MaxInt32 is Kubernetes' "no deadline". */
	static boolean hasProgressDeadline(Deployment d) {
		Integer deadline = d.getSpec().getProgressDeadlineSeconds();
		return deadline != null && deadline != Integer.MAX_VALUE;
	}

	/** Kubernetes' {@code DeploymentComplete}: every replica updated and available. */
	static boolean complete(Deployment d, DeploymentStatus status) {
		int replicas = DeploymentUtil.replicas(d);
		return n(status.getUpdatedReplicas()) == replicas && n(status.getReplicas()) == replicas
				&& n(status.getAvailableReplicas()) == replicas
				&& n(status.getObservedGeneration()) >= n(d.getMetadata().getGeneration());
	}

	/**
	 * Kubernetes' {@code DeploymentProgressing}: more updated, ready or available pods,
	 * or fewer old ones, than the last recorded status.
	 */
	static boolean progressing(Deployment d, DeploymentStatus next) {
		DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
		int oldOld = n(old.getReplicas()) - n(old.getUpdatedReplicas());
		int newOld = n(next.getReplicas()) - n(next.getUpdatedReplicas());
		return n(next.getUpdatedReplicas()) > n(old.getUpdatedReplicas())
				|| n(next.getReadyReplicas()) > n(old.getReadyReplicas()) || newOld < oldOld
				|| n(next.getAvailableReplicas()) > n(old.getAvailableReplicas());
	}

	/**
	 * Kubernetes' {@code DeploymentTimedOut}: no progress recorded for
	 * progressDeadlineSeconds since the Progressing condition's last update.
	 */
	static boolean timedOut(Deployment d, DeploymentStatus status, Instant now) {
		if (!hasProgressDeadline(d)) {
			return false;
		}
		DeploymentCondition condition = get(status, PROGRESSING);
		if (condition == null) {
			return false;
		}
		if (NEW_RS_AVAILABLE.equals(condition.getReason())) {
			return false;
		}
		if (TIMED_OUT.equals(condition.getReason())) {
			return true;
		}
		Instant from = Instant.parse(condition.getLastUpdateTime());
		return from.plusSeconds(d.getSpec().getProgressDeadlineSeconds()).isBefore(now);
	}

	static int n(Integer value) {
		return value == null ? 0 : value;
	}

	static long n(Long value) {
		return value == null ? 0 : value;
	}

}
