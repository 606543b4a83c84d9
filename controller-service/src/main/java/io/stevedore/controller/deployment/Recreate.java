package io.stevedore.controller.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.stevedore.controller.workload.PodStates;

/**
 * Kubernetes' {@code rolloutRecreate}: scale every old ReplicaSet to zero, wait until no
 * old pod runs any more, then create and scale up the new one. Never two versions at
 * once.
 */
final class Recreate {

	private Recreate() {
	}

	/**
	 * @param podsByReplicaSetUid the pods each owned ReplicaSet controls
	 */
	static void rollout(Rollout rollout, Map<String, List<Pod>> podsByReplicaSetUid) {
		Rollout.ReplicaSets sets = rollout.replicaSetsAndSyncRevision(false);
		ReplicaSet newRS = sets.newRS();
		List<ReplicaSet> oldRSs = new ArrayList<>(sets.oldRSs());
		boolean scaledDown = false;
		for (int i = 0; i < oldRSs.size(); i++) {
			ReplicaSet rs = oldRSs.get(i);
			if (DeploymentUtil.replicas(rs) != 0) {
				oldRSs.set(i, rollout.scale(rs, 0));
				scaledDown = true;
			}
		}
		if (scaledDown || oldPodsRunning(newRS, oldRSs, podsByReplicaSetUid)) {
			rollout.syncRolloutStatus(DeploymentUtil.with(oldRSs, newRS), newRS);
			return;
		}
		if (newRS == null) {
			newRS = rollout.replicaSetsAndSyncRevision(true).newRS();
		}
		newRS = rollout.scale(newRS, DeploymentUtil.replicas(rollout.deployment()));
		if (DeploymentConditions.complete(rollout.deployment(), rollout.deployment().getStatus())) {
			rollout.cleanup(oldRSs);
		}
		rollout.syncRolloutStatus(DeploymentUtil.with(oldRSs, newRS), newRS);
	}

	/** Kubernetes' {@code oldPodsRunning}: any old pod not yet Succeeded or Failed. */
	static boolean oldPodsRunning(ReplicaSet newRS, List<ReplicaSet> oldRSs, Map<String, List<Pod>> podsByRS) {
		if (DeploymentUtil.actualReplicas(oldRSs) > 0) {
			return true;
		}
		String newUid = newRS == null ? null : newRS.getMetadata().getUid();
		return podsByRS.entrySet()
			.stream()
			.filter(e -> !e.getKey().equals(newUid))
			.flatMap(e -> e.getValue().stream())
			.anyMatch(pod -> !PodStates.isTerminal(pod));
	}

}
