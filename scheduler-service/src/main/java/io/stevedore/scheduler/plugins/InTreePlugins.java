package io.stevedore.scheduler.plugins;

import java.util.LinkedHashMap;
import java.util.Map;

import io.stevedore.scheduler.framework.Registry;
import io.stevedore.scheduler.plugins.balancedallocation.BalancedAllocation;
import io.stevedore.scheduler.plugins.defaultbinder.DefaultBinder;
import io.stevedore.scheduler.plugins.defaultpreemption.ApiEvictor;
import io.stevedore.scheduler.plugins.defaultpreemption.DefaultPreemption;
import io.stevedore.scheduler.plugins.defaultpreemption.DisruptionBudgets;
import io.stevedore.scheduler.plugins.imagelocality.ImageLocality;
import io.stevedore.scheduler.plugins.interpodaffinity.InterPodAffinity;
import io.stevedore.scheduler.plugins.nodeaffinity.NodeAffinityPlugin;
import io.stevedore.scheduler.plugins.nodename.NodeName;
import io.stevedore.scheduler.plugins.nodeports.NodePorts;
import io.stevedore.scheduler.plugins.noderesources.NodeResourcesFit;
import io.stevedore.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import io.stevedore.scheduler.plugins.podtopologyspread.PodTopologySpread;
import io.stevedore.scheduler.plugins.volumebinding.VolumeBinding;
import io.stevedore.scheduler.plugins.volumebinding.VolumeLookup;
import io.stevedore.scheduler.plugins.tainttoleration.TaintToleration;

/** The plugins compiled in, and Kubernetes' default profile. */
public final class InTreePlugins {

	private InTreePlugins() {
	}

	public static Registry registry() {
		return new Registry().register(NodeUnschedulable.NAME, (handle) -> new NodeUnschedulable())
			.register(NodeName.NAME, (handle) -> new NodeName())
			.register(TaintToleration.NAME, (handle) -> new TaintToleration())
			.register(NodeAffinityPlugin.NAME, (handle) -> new NodeAffinityPlugin())
			.register(NodePorts.NAME, (handle) -> new NodePorts())
			.register(NodeResourcesFit.NAME, NodeResourcesFit::create)
			.register(BalancedAllocation.NAME, (handle) -> new BalancedAllocation())
			.register(InterPodAffinity.NAME, (handle) -> new InterPodAffinity())
			.register(PodTopologySpread.NAME, (handle) -> new PodTopologySpread())
			.register(ImageLocality.NAME, (handle) -> new ImageLocality())
			.register(VolumeBinding.NAME, (handle) -> new VolumeBinding(VolumeLookup.cached(handle.client())))
			.register(DefaultPreemption.NAME,
					(handle) -> new DefaultPreemption(new ApiEvictor(handle.client()),
							handle.client() == null ? DisruptionBudgets.none()
									: DisruptionBudgets.informer(handle.client())))
			.register(DefaultBinder.NAME, (handle) -> new DefaultBinder(handle.client()));
	}

	/**
	 * Kubernetes' default plugins in its order (cheap filters first, so most nodes are
	 * rejected before the expensive ones run) with its default score weights.
	 */
	public static Map<String, Integer> defaultPlugins() {
		Map<String, Integer> plugins = new LinkedHashMap<>();
		plugins.put(NodeUnschedulable.NAME, 0);
		plugins.put(NodeName.NAME, 0);
		plugins.put(TaintToleration.NAME, 3);
		plugins.put(NodeAffinityPlugin.NAME, 2);
		plugins.put(NodePorts.NAME, 0);
		plugins.put(VolumeBinding.NAME, 0);
		plugins.put(NodeResourcesFit.NAME, 1);
		plugins.put(InterPodAffinity.NAME, 2);
		plugins.put(PodTopologySpread.NAME, 2);
		plugins.put(BalancedAllocation.NAME, 1);
		plugins.put(ImageLocality.NAME, 1);
		plugins.put(DefaultPreemption.NAME, 0);
		plugins.put(DefaultBinder.NAME, 0);
		return plugins;
	}

}
