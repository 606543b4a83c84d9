package io.stevedore.scheduler.plugins.noderesources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.FilterPlugin;
import io.stevedore.scheduler.framework.Handle;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Resource;
import io.stevedore.scheduler.framework.ScorePlugin;
import io.stevedore.scheduler.framework.Status;

/**
 * Filters nodes whose allocatable minus what their pods (bound and assumed) request
 * cannot hold the pod's effective requests: cpu, memory, ephemeral-storage, the pod count
 * and extended resources. Every shortfall is a reason ("Insufficient cpu"), as Kubernetes
 * lists them all. Scores with the profile's strategy over cpu and memory, using the
 * non-zero requests so pods without requests still spread:
 * <ul>
 * <li>{@code LeastAllocated} (default): the emptier the node after placing, the better —
 * spreading;</li>
 * <li>{@code MostAllocated}: the fuller, the better — bin packing.</li>
 * </ul>
 */
public final class NodeResourcesFit implements FilterPlugin, ScorePlugin {

	public static final String NAME = "NodeResourcesFit";

	public enum Strategy {

		LEAST_ALLOCATED, MOST_ALLOCATED

	}

	private final Strategy strategy;

	public NodeResourcesFit(Strategy strategy) {
		this.strategy = strategy;
	}

	/** Reads {@code scoring-strategy: LeastAllocated|MostAllocated}. */
	public static NodeResourcesFit create(Handle handle) {
		String strategy = handle.arg("scoring-strategy", "LeastAllocated");
		return switch (strategy) {
			case "LeastAllocated" -> new NodeResourcesFit(Strategy.LEAST_ALLOCATED);
			case "MostAllocated" -> new NodeResourcesFit(Strategy.MOST_ALLOCATED);
			default -> throw new IllegalArgumentException("plugin-args.NodeResourcesFit.scoring-strategy: "
					+ "must be LeastAllocated or MostAllocated, got \"" + strategy + "\"");
		};
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
		List<String> reasons = insufficient(pod, node);
		return reasons.isEmpty() ? Status.success() : Status.unschedulable(reasons.toArray(String[]::new));
	}

	/**
	 * Kubernetes' {@code fitsRequest}: the reasons, in its order. Used by preemption too.
	 */
	public static List<String> insufficient(PodInfo pod, NodeInfo node) {
		// Called for every node filtered: nothing is allocated for a node that fits.
		List<String> reasons = null;
		Resource allocatable = node.allocatable();
		Resource requested = node.requested();
		if (node.pods().size() + 1 > allocatable.allowedPodNumber) {
			reasons = add(reasons, "Too many pods");
		}
		Resource wants = pod.requests();
		if (wants.milliCpu > 0 && wants.milliCpu > allocatable.milliCpu - requested.milliCpu) {
			reasons = add(reasons, "Insufficient cpu");
		}
		if (wants.memory > 0 && wants.memory > allocatable.memory - requested.memory) {
			reasons = add(reasons, "Insufficient memory");
		}
		if (wants.ephemeralStorage > 0
				&& wants.ephemeralStorage > allocatable.ephemeralStorage - requested.ephemeralStorage) {
			reasons = add(reasons, "Insufficient ephemeral-storage");
		}
		if (!wants.scalar.isEmpty()) {
			for (Map.Entry<String, Long> entry : wants.scalar.entrySet()) {
				long want = entry.getValue();
				if (want > 0 && want > allocatable.get(entry.getKey()) - requested.get(entry.getKey())) {
					reasons = add(reasons, "Insufficient " + entry.getKey());
				}
			}
		}
		return reasons == null ? List.of() : reasons;
	}

	private static List<String> add(List<String> reasons, String reason) {
		List<String> list = reasons == null ? new ArrayList<>(2) : reasons;
		list.add(reason);
		return list;
	}

	@Override
	public long score(CycleState state, PodInfo pod, NodeInfo node) {
		long cpu = score(node.nonZeroMilliCpu() + pod.nonZeroMilliCpu(), node.allocatable().milliCpu);
		long memory = score(node.nonZeroMemory() + pod.nonZeroMemory(), node.allocatable().memory);
		return (cpu + memory) / 2;
	}

	private long score(long requested, long capacity) {
		if (capacity <= 0 || requested > capacity) {
			// Kubernetes scores an over-committed resource 0 under both strategies.
			return 0;
		}
		return this.strategy == Strategy.LEAST_ALLOCATED ? (capacity - requested) * MAX_NODE_SCORE / capacity
				: requested * MAX_NODE_SCORE / capacity;
	}

}
