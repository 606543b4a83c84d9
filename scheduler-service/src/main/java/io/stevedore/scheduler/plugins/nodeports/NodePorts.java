package io.stevedore.scheduler.plugins.nodeports;

import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.FilterPlugin;
import io.stevedore.scheduler.framework.HostPort;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.PreFilterPlugin;
import io.stevedore.scheduler.framework.Status;

/**
 * A host port can be taken once per node (per address and protocol; 0.0.0.0 takes every
 * address). Pods without host ports skip the filter.
 */
public final class NodePorts implements PreFilterPlugin, FilterPlugin {

	public static final String NAME = "NodePorts";

	static final String REASON = "node(s) didn't have free ports for the requested pod ports";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Status preFilter(CycleState state, PodInfo pod, NodeSnapshot snapshot) {
		return pod.hostPorts().isEmpty() ? Status.skip() : Status.success();
	}

	@Override
	public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
		for (HostPort wanted : pod.hostPorts()) {
			for (HostPort used : node.usedPorts()) {
				if (wanted.conflictsWith(used)) {
					return Status.unschedulable(REASON);
				}
			}
		}
		return Status.success();
	}

}
