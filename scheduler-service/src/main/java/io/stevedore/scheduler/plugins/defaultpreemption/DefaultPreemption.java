package io.stevedore.scheduler.plugins.defaultpreemption;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.stevedore.scheduler.framework.Code;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.PostFilterPlugin;
import io.stevedore.scheduler.framework.Status;

/**
 * Preemption, when no node fits: on each node rejected as Unschedulable (not
 * Unresolvable: evicting pods cannot remove a taint), find the fewest lower-priority
 * victims whose removal lets the pod fit — remove every lower-priority pod, check the
 * filters, then give back the most important ones while the pod still fits (Kubernetes'
 * "reprieve"). Among candidate nodes pick the one whose most important victim matters
 * least, then the fewest victims, then the least total priority. The victims are deleted
 * and the pod's {@code status.nominatedNodeName} set; the pod itself goes back to the
 * queue and lands when the victims are gone.
 * <p>
 * Unlike Kubernetes, PreFilter state (pod affinity counts) is not updated for the removed
 * victims, so a node is only found when the victims block the pod through its filters'
 * per-node checks (resources, ports, taints); PodDisruptionBudgets are not consulted.
 */
public final class DefaultPreemption implements PostFilterPlugin {

	public static final String NAME = "DefaultPreemption";

	private final Evictor evictor;

	public DefaultPreemption(Evictor evictor) {
		this.evictor = evictor;
	}

	@Override
	public String name() {
		return NAME;
	}

	/** Side effects of preemption, behind an interface so the choice is unit-tested. */
	public interface Evictor {

		void preempt(PodInfo preemptor, String nodeName, List<PodInfo> victims);

	}

	/** The node chosen and the pods to evict there. */
	public record Candidate(String nodeName, List<PodInfo> victims) {

		int highestPriority() {
			return this.victims.stream().mapToInt(PodInfo::priority).max().orElse(Integer.MIN_VALUE);
		}

		long prioritySum() {
			return this.victims.stream().mapToLong(PodInfo::priority).sum();
		}

	}

	@Override
	public PostFilterResult postFilter(CycleState state, PodInfo pod, NodeSnapshot snapshot,
			Map<String, Status> rejections, Filters filters) {
		if ("Never".equals(pod.pod().getSpec().getPreemptionPolicy())) {
			return new PostFilterResult(null, Status.unresolvable("not eligible due to preemptionPolicy=Never."));
		}
		Candidate best = null;
		for (Map.Entry<String, Status> rejection : rejections.entrySet()) {
			if (rejection.getValue().code() != Code.UNSCHEDULABLE) {
				continue;
			}
			NodeInfo node = snapshot.get(rejection.getKey());
			if (node == null) {
				continue;
			}
			Candidate candidate = selectVictims(state, pod, node, filters);
			if (candidate != null && (best == null || BETTER.compare(candidate, best) < 0)) {
				best = candidate;
			}
		}
		if (best == null) {
			return new PostFilterResult(null, Status.unschedulable("No preemption victims found for incoming pod."));
		}
		this.evictor.preempt(pod, best.nodeName(), best.victims());
		return new PostFilterResult(best.nodeName(), Status.success());
	}

	private static final Comparator<Candidate> BETTER = Comparator.comparingInt(Candidate::highestPriority)
		.thenComparingInt((c) -> c.victims().size())
		.thenComparingLong(Candidate::prioritySum)
		.thenComparing(Candidate::nodeName);

	/**
	 * The fewest victims on this node, or null when even removing all lower-priority pods
	 * does not help.
	 */
	static Candidate selectVictims(CycleState state, PodInfo pod, NodeInfo node, Filters filters) {
		NodeInfo trial = node.copy();
		List<PodInfo> lower = new ArrayList<>();
		for (PodInfo existing : node.pods()) {
			if (existing.priority() < pod.priority()) {
				lower.add(existing);
				trial.removePod(existing.uid());
			}
		}
		if (lower.isEmpty() || !filters.run(state, pod, trial).isSuccess()) {
			return null;
		}
		// Give back the most important first: they are the last we want to evict.
		lower.sort(Comparator.comparingInt(PodInfo::priority).reversed());
		List<PodInfo> victims = new ArrayList<>();
		for (PodInfo candidate : lower) {
			trial.addPod(candidate);
			if (!filters.run(state, pod, trial).isSuccess()) {
				trial.removePod(candidate.uid());
				victims.add(candidate);
			}
		}
		return new Candidate(node.name(), victims);
	}

}
