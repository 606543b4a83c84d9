package io.stevedore.scheduler.plugins.balancedallocation;

import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.ScorePlugin;

/**
 * Prefers nodes whose cpu and memory would be used in equal fractions after placing the
 * pod, so neither resource is stranded: score = (1 - standard deviation of the two
 * fractions) * 100, as Kubernetes computes it for two resources.
 */
public final class BalancedAllocation implements ScorePlugin {

	public static final String NAME = "NodeResourcesBalancedAllocation";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public long score(CycleState state, PodInfo pod, NodeInfo node) {
		double cpu = fraction(node.nonZeroMilliCpu() + pod.nonZeroMilliCpu(), node.allocatable().milliCpu);
		double memory = fraction(node.nonZeroMemory() + pod.nonZeroMemory(), node.allocatable().memory);
		// With two values the standard deviation is half their distance.
		double std = Math.abs(cpu - memory) / 2;
		return (long) ((1 - std) * MAX_NODE_SCORE);
	}

	private static double fraction(long requested, long capacity) {
		return capacity <= 0 ? 1 : Math.min(1, (double) requested / capacity);
	}

}
