package io.stevedore.controller.deployment;

import java.util.List;

import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;

/**
 * A ReplicaSet that cannot create its pods (quota, admission, an invalid template)
 * reports ReplicaFailure; the Deployment shows it too so {@code kubectl describe deploy}
 * explains a stuck rollout (Kubernetes' {@code getReplicaFailures}).
 */
final class ReplicaSetFailure {

	private ReplicaSetFailure() {
	}

	static void copyFrom(List<ReplicaSet> all, DeploymentStatus status) {
		ReplicaSetCondition failure = all.stream()
			.filter(rs -> rs.getStatus() != null && rs.getStatus().getConditions() != null)
			.flatMap(rs -> rs.getStatus().getConditions().stream())
			.filter(c -> DeploymentConditions.REPLICA_FAILURE.equals(c.getType()) && "True".equals(c.getStatus()))
			.findFirst()
			.orElse(null);
		if (failure == null) {
			DeploymentConditions.remove(status, DeploymentConditions.REPLICA_FAILURE);
			return;
		}
		var condition = DeploymentConditions.condition(DeploymentConditions.REPLICA_FAILURE, failure.getStatus(),
				failure.getReason(), failure.getMessage(), java.time.Instant.parse(failure.getLastTransitionTime()));
		DeploymentConditions.set(status, condition);
	}

}
