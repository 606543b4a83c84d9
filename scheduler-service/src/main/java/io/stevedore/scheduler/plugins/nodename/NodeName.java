package io.stevedore.scheduler.plugins.nodename;

import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.FilterPlugin;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;

/** A pod that names its node ({@code spec.nodeName}) fits that node only. */
public final class NodeName implements FilterPlugin {

	public static final String NAME = "NodeName";

	static final String REASON = "node(s) didn't match the requested node name";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
		String wanted = pod.nodeName();
		return (wanted == null || wanted.equals(node.name())) ? Status.success() : Status.unresolvable(REASON);
	}

}
