package io.stevedore.controller.deployment;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

/**
 * Kubernetes' {@code rolloutRolling}: grow the new ReplicaSet up to replicas + maxSurge
 * pods in all, shrink the old ones while at least replicas - maxUnavailable stay
 * available, one step per sync; the next step comes when the ReplicaSets' status moves.
 */
final class RollingUpdate {

	private RollingUpdate() {
	}

	static void rollout(Rollout rollout) {
		Rollout.ReplicaSets sets = rollout.replicaSetsAndSyncRevision(true);
		ReplicaSet newRS = sets.newRS();
		List<ReplicaSet> oldRSs = sets.oldRSs();
		ReplicaSet scaledNew = reconcileNewReplicaSet(rollout, DeploymentUtil.with(oldRSs, newRS), newRS);
		if (scaledNew != newRS) {
			rollout.syncRolloutStatus(DeploymentUtil.with(oldRSs, scaledNew), scaledNew);
			return;
		}
		List<ReplicaSet> afterOld = reconcileOldReplicaSets(rollout, oldRSs, newRS);
		if (afterOld != null) {
			rollout.syncRolloutStatus(DeploymentUtil.with(afterOld, newRS), newRS);
			return;
		}
		if (DeploymentConditions.complete(rollout.deployment(), rollout.deployment().getStatus())) {
			rollout.cleanup(oldRSs);
		}
		rollout.syncRolloutStatus(DeploymentUtil.with(oldRSs, newRS), newRS);
	}

	/**
	 * @return the new ReplicaSet, a different instance when it was scaled
	 */
	static ReplicaSet reconcileNewReplicaSet(Rollout rollout, List<ReplicaSet> all, ReplicaSet newRS) {
		Deployment d = rollout.deployment();
		int desired = DeploymentUtil.replicas(d);
		if (DeploymentUtil.replicas(newRS) == desired) {
			return newRS;
		}
		if (DeploymentUtil.replicas(newRS) > desired) {
			return rollout.scale(newRS, desired);
		}
		return rollout.scale(newRS, DeploymentUtil.newRSNewReplicas(d, all, newRS));
	}

	/**
	 * Kubernetes' {@code reconcileOldReplicaSets}: first the old pods that are not
	 * available anyway (they cost no availability), then as many more as maxUnavailable
	 * allows.
	 * @return the old ReplicaSets after scaling, or null when none was scaled
	 */
	static List<ReplicaSet> reconcileOldReplicaSets(Rollout rollout, List<ReplicaSet> oldRSs, ReplicaSet newRS) {
		Deployment d = rollout.deployment();
		List<ReplicaSet> active = DeploymentUtil.filterActive(oldRSs);
		if (DeploymentUtil.specReplicas(active) == 0) {
			return null;
		}
		int allPods = DeploymentUtil.specReplicas(DeploymentUtil.with(oldRSs, newRS));
		int minAvailable = DeploymentUtil.replicas(d) - Fenceposts.maxUnavailable(d);
		int newRSUnavailable = DeploymentUtil.replicas(newRS) - DeploymentUtil.available(newRS);
		int maxScaledDown = allPods - minAvailable - newRSUnavailable;
		if (maxScaledDown <= 0) {
			return null;
		}
		List<ReplicaSet> olds = new ArrayList<>(oldRSs);
		olds.sort(DeploymentUtil.OLDEST_FIRST);
		boolean scaled = false;
		int cleaned = 0;
		for (int i = 0; i < olds.size() && cleaned < maxScaledDown; i++) {
			ReplicaSet rs = olds.get(i);
			int unhealthy = DeploymentUtil.replicas(rs) - DeploymentUtil.available(rs);
			if (DeploymentUtil.replicas(rs) == 0 || unhealthy <= 0) {
				continue;
			}
			int down = Math.min(maxScaledDown - cleaned, unhealthy);
			olds.set(i, rollout.scale(rs, DeploymentUtil.replicas(rs) - down));
			cleaned += down;
			scaled = true;
		}
		int availablePods = DeploymentUtil.availableReplicas(DeploymentUtil.with(olds, newRS));
		if (availablePods > minAvailable) {
			int total = availablePods - minAvailable;
			int done = 0;
			for (int i = 0; i < olds.size() && done < total; i++) {
				ReplicaSet rs = olds.get(i);
				if (DeploymentUtil.replicas(rs) == 0) {
					continue;
				}
				int down = Math.min(DeploymentUtil.replicas(rs), total - done);
				olds.set(i, rollout.scale(rs, DeploymentUtil.replicas(rs) - down));
				done += down;
				scaled = true;
			}
		}
		return scaled ? olds : null;
	}

}
