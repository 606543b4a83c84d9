package io.stevedore.scheduler.plugins.nodeunschedulable;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.FilterPlugin;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;
import io.stevedore.scheduler.plugins.tainttoleration.Tolerations;

/**
 * A cordoned node ({@code spec.unschedulable}, {@code kubectl cordon}) takes no new pods,
 * except those tolerating the {@code node.kubernetes.io/unschedulable} taint (DaemonSet
 * pods do), as in Kubernetes.
 */
public final class NodeUnschedulable implements FilterPlugin {

	public static final String NAME = "NodeUnschedulable";

	static final String REASON = "node(s) were unschedulable";

	private static final Taint UNSCHEDULABLE_TAINT = new TaintBuilder().withKey("node.kubernetes.io/unschedulable")
		.withEffect("NoSchedule")
		.build();

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
		if (node.unschedulable()
				&& !Tolerations.toleratedByAny(pod.pod().getSpec().getTolerations(), UNSCHEDULABLE_TAINT)) {
			return Status.unresolvable(REASON);
		}
		return Status.success();
	}

}
