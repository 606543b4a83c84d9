package io.stevedore.controller.deployment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

/**
 * Kubernetes' {@code scale}: a Deployment resized in the middle of a rollout spreads the
 * added or removed replicas over its active ReplicaSets in proportion to their sizes, so
 * neither the old nor the new version suddenly takes all of them.
 */
final class ProportionalScaling {

	private ProportionalScaling() {
	}

	static void scale(Rollout rollout, ReplicaSet newRS, List<ReplicaSet> oldRSs) {
		Deployment d = rollout.deployment();
		int desired = DeploymentUtil.replicas(d);
		ReplicaSet activeOrLatest = activeOrLatest(newRS, oldRSs);
		if (activeOrLatest != null) {
			if (DeploymentUtil.replicas(activeOrLatest) != desired) {
				rollout.scale(activeOrLatest, desired);
			}
			return;
		}
		if (DeploymentUtil.isSaturated(d, newRS)) {
			for (ReplicaSet old : DeploymentUtil.filterActive(oldRSs)) {
				rollout.scale(old, 0);
			}
			return;
		}
		if (!Fenceposts.isRollingUpdate(d)) {
			return;
		}
		List<ReplicaSet> active = new ArrayList<>(DeploymentUtil.filterActive(DeploymentUtil.with(oldRSs, newRS)));
		int allowed = desired > 0 ? desired + Fenceposts.maxSurge(d) : 0;
		int toAdd = allowed - DeploymentUtil.specReplicas(active);
		Comparator<ReplicaSet> bySize = Comparator.comparingInt((ReplicaSet rs) -> DeploymentUtil.replicas(rs))
			.reversed();
		if (toAdd > 0) {
			// Growing: among equals, the newer grows first.
			active.sort(bySize.thenComparing(DeploymentUtil.OLDEST_FIRST.reversed()));
		}
		else if (toAdd < 0) {
			// Shrinking: among equals, the older shrinks first.
			active.sort(bySize.thenComparing(DeploymentUtil.OLDEST_FIRST));
		}
		int added = 0;
		Map<String, Integer> sizes = new HashMap<>();
		for (ReplicaSet rs : active) {
			int proportion = toAdd == 0 ? 0 : proportion(rs, d, toAdd, added);
			sizes.put(rs.getMetadata().getName(), DeploymentUtil.replicas(rs) + proportion);
			added += proportion;
		}
		for (int i = 0; i < active.size(); i++) {
			ReplicaSet rs = active.get(i);
			String name = rs.getMetadata().getName();
			if (i == 0 && toAdd != 0) {
				// Leftovers from rounding go to the largest.
				sizes.put(name, Math.max(0, sizes.get(name) + toAdd - added));
			}
			rollout.scale(rs, sizes.get(name));
		}
	}

	/**
	 * Kubernetes' {@code FindActiveOrLatest}: the only active ReplicaSet, or the newest
	 * when none is active; null when several are.
	 */
	static ReplicaSet activeOrLatest(ReplicaSet newRS, List<ReplicaSet> oldRSs) {
		if (newRS == null && oldRSs.isEmpty()) {
			return null;
		}
		List<ReplicaSet> newestFirst = new ArrayList<>(oldRSs);
		newestFirst.sort(DeploymentUtil.OLDEST_FIRST.reversed());
		List<ReplicaSet> active = DeploymentUtil.filterActive(DeploymentUtil.with(newestFirst, newRS));
		return switch (active.size()) {
			case 0 -> newRS != null ? newRS : newestFirst.get(0);
			case 1 -> active.get(0);
			default -> null;
		};
	}

	/** Kubernetes' {@code GetProportion}. */
	private static int proportion(ReplicaSet rs, Deployment d, int toAdd, int added) {
		if (DeploymentUtil.replicas(rs) == 0 || toAdd == added) {
			return 0;
		}
		int fraction = fraction(rs, d);
		int allowed = toAdd - added;
		return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
	}

	/** Kubernetes' {@code getReplicaSetFraction}. */
	private static int fraction(ReplicaSet rs, Deployment d) {
		int desired = DeploymentUtil.replicas(d);
		if (desired == 0) {
			return -DeploymentUtil.replicas(rs);
		}
		int deploymentReplicas = desired + Fenceposts.maxSurge(d);
		Integer annotated = DeploymentUtil.maxReplicasAnnotation(rs);
		int base = annotated != null ? annotated
				: DeploymentConditions.n(d.getStatus() == null ? null : d.getStatus().getReplicas());
		if (base == 0) {
			return 0;
		}
		double size = (double) DeploymentUtil.replicas(rs) * deploymentReplicas / base;
		return (int) Math.round(size) - DeploymentUtil.replicas(rs);
	}

}
