package io.stevedore.machinery.defaulting;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDaemonSet;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateStatefulSetStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;

/** apps/v1 defaults (pkg/apis/apps/v1/defaults.go) plus their pod templates'. */
public final class WorkloadDefaults {

	private WorkloadDefaults() {
	}

	public static void deployment(Deployment d) {
		if (d.getSpec() == null) {
			d.setSpec(new DeploymentSpec());
		}
		DeploymentSpec spec = d.getSpec();
		if (spec.getReplicas() == null) {
			spec.setReplicas(1);
		}
		if (spec.getStrategy() == null) {
			spec.setStrategy(new DeploymentStrategy());
		}
		DeploymentStrategy strategy = spec.getStrategy();
		if (strategy.getType() == null || strategy.getType().isEmpty()) {
			strategy.setType("RollingUpdate");
		}
		if (strategy.getType().equals("RollingUpdate")) {
			if (strategy.getRollingUpdate() == null) {
				strategy.setRollingUpdate(new RollingUpdateDeployment());
			}
			if (strategy.getRollingUpdate().getMaxUnavailable() == null) {
				strategy.getRollingUpdate().setMaxUnavailable(new IntOrString("25%"));
			}
			if (strategy.getRollingUpdate().getMaxSurge() == null) {
				strategy.getRollingUpdate().setMaxSurge(new IntOrString("25%"));
			}
		}
		if (spec.getRevisionHistoryLimit() == null) {
			spec.setRevisionHistoryLimit(10);
		}
		if (spec.getProgressDeadlineSeconds() == null) {
			spec.setProgressDeadlineSeconds(600);
		}
		PodDefaults.template(spec.getTemplate());
	}

	public static void replicaSet(ReplicaSet rs) {
		if (rs.getSpec() == null) {
			rs.setSpec(new ReplicaSetSpec());
		}
		if (rs.getSpec().getReplicas() == null) {
			rs.getSpec().setReplicas(1);
		}
		PodDefaults.template(rs.getSpec().getTemplate());
	}

	public static void daemonSet(DaemonSet ds) {
		if (ds.getSpec() == null) {
			ds.setSpec(new DaemonSetSpec());
		}
		DaemonSetSpec spec = ds.getSpec();
		if (spec.getUpdateStrategy() == null) {
			spec.setUpdateStrategy(new DaemonSetUpdateStrategy());
		}
		DaemonSetUpdateStrategy strategy = spec.getUpdateStrategy();
		if (strategy.getType() == null || strategy.getType().isEmpty()) {
			strategy.setType("RollingUpdate");
		}
		if (strategy.getType().equals("RollingUpdate")) {
			if (strategy.getRollingUpdate() == null) {
				strategy.setRollingUpdate(new RollingUpdateDaemonSet());
			}
			if (strategy.getRollingUpdate().getMaxUnavailable() == null) {
				strategy.getRollingUpdate().setMaxUnavailable(new IntOrString(1));
			}
			if (strategy.getRollingUpdate().getMaxSurge() == null) {
				strategy.getRollingUpdate().setMaxSurge(new IntOrString(0));
			}
		}
		if (spec.getRevisionHistoryLimit() == null) {
			spec.setRevisionHistoryLimit(10);
		}
		PodDefaults.template(spec.getTemplate());
	}

	public static void statefulSet(StatefulSet sts) {
		if (sts.getSpec() == null) {
			sts.setSpec(new StatefulSetSpec());
		}
		StatefulSetSpec spec = sts.getSpec();
		if (spec.getPodManagementPolicy() == null || spec.getPodManagementPolicy().isEmpty()) {
			spec.setPodManagementPolicy("OrderedReady");
		}
		if (spec.getUpdateStrategy() == null) {
			spec.setUpdateStrategy(new StatefulSetUpdateStrategy());
		}
		StatefulSetUpdateStrategy strategy = spec.getUpdateStrategy();
		if (strategy.getType() == null || strategy.getType().isEmpty()) {
			strategy.setType("RollingUpdate");
			if (strategy.getRollingUpdate() == null) {
				strategy.setRollingUpdate(new RollingUpdateStatefulSetStrategy());
			}
		}
		if (strategy.getType().equals("RollingUpdate") && strategy.getRollingUpdate() != null
				&& strategy.getRollingUpdate().getPartition() == null) {
			strategy.getRollingUpdate().setPartition(0);
		}
		if (spec.getPersistentVolumeClaimRetentionPolicy() == null) {
			spec.setPersistentVolumeClaimRetentionPolicy(new StatefulSetPersistentVolumeClaimRetentionPolicy());
		}
		var retention = spec.getPersistentVolumeClaimRetentionPolicy();
		if (retention.getWhenDeleted() == null || retention.getWhenDeleted().isEmpty()) {
			retention.setWhenDeleted("Retain");
		}
		if (retention.getWhenScaled() == null || retention.getWhenScaled().isEmpty()) {
			retention.setWhenScaled("Retain");
		}
		if (spec.getReplicas() == null) {
			spec.setReplicas(1);
		}
		if (spec.getRevisionHistoryLimit() == null) {
			spec.setRevisionHistoryLimit(10);
		}
		for (PersistentVolumeClaim claim : PodDefaults.list(spec.getVolumeClaimTemplates())) {
			MiscDefaults.persistentVolumeClaim(claim);
		}
		PodDefaults.template(spec.getTemplate());
	}

}
