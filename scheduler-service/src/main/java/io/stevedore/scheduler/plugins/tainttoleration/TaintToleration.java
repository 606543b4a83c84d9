package io.stevedore.scheduler.plugins.tainttoleration;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.FilterPlugin;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.ScorePlugin;
import io.stevedore.scheduler.framework.Status;

/**
 * A node's NoSchedule and NoExecute taints keep off every pod that does not tolerate
 * them; PreferNoSchedule taints only lower the node's score, by how many the pod does not
 * tolerate.
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin {

	public static final String NAME = "TaintToleration";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
		List<Toleration> tolerations = pod.pod().getSpec().getTolerations();
		for (Taint taint : taints(node)) {
			boolean enforced = "NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect());
			if (enforced && !Tolerations.toleratedByAny(tolerations, taint)) {
				// Kubernetes' wording; the value is empty for a key-only taint.
				return Status.unresolvable("node(s) had untolerated taint {" + taint.getKey() + ": "
						+ (taint.getValue() == null ? "" : taint.getValue()) + "}");
			}
		}
		return Status.success();
	}

	@Override
	public long score(CycleState state, PodInfo pod, NodeInfo node) {
		long intolerable = 0;
		// Most nodes have no PreferNoSchedule taint: the pod's tolerations are filtered
		// only when one is there, not once per node scored.
		List<Toleration> tolerations = null;
		for (Taint taint : taints(node)) {
			if (!"PreferNoSchedule".equals(taint.getEffect())) {
				continue;
			}
			if (tolerations == null) {
				tolerations = preferNoScheduleTolerations(pod);
			}
			if (!Tolerations.toleratedByAny(tolerations, taint)) {
				intolerable++;
			}
		}
		return intolerable;
	}

	private static List<Toleration> preferNoScheduleTolerations(PodInfo pod) {
		List<Toleration> all = pod.pod().getSpec().getTolerations();
		List<Toleration> prefer = new ArrayList<>();
		for (Toleration toleration : all == null ? List.<Toleration>of() : all) {
			String effect = toleration.getEffect();
			if (effect == null || effect.isEmpty() || "PreferNoSchedule".equals(effect)) {
				prefer.add(toleration);
			}
		}
		return prefer;
	}

	/** Fewer intolerable PreferNoSchedule taints is better. */
	@Override
	public void normalizeScore(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
		ScorePlugin.defaultNormalize(scores, true);
	}

	private static List<Taint> taints(NodeInfo node) {
		return node.taints();
	}

}
