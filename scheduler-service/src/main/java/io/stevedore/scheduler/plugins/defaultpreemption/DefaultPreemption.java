package io.stevedore.scheduler.plugins.defaultpreemption;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stevedore.scheduler.framework.Code;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.PostFilterPlugin;
import io.stevedore.scheduler.framework.Status;

/**
 * Preemption, when no node fits: on each node rejected as Unschedulable (not
 * Unresolvable: evicting pods cannot remove a taint), find the victims whose removal lets
 * the pod fit as Kubernetes' {@code SelectVictimsOnNode} does — remove every
 * lower-priority pod, check the filters, then give pods back while the pod still fits:
 * first those whose eviction would violate a PodDisruptionBudget, then the others, each
 * group most important first. A pod that cannot be given back and violates a budget
 * counts as a violation. Among candidate nodes ({@link #BETTER}) pick the fewest budget
 * violations, then the least important most-important victim, then the smallest priority
 * sum, then the fewest victims, then the latest start among the most important victims.
 * The victims are deleted and the pod's {@code status.nominatedNodeName} set; the pod
 * itself goes back to the queue and lands when the victims are gone.
 * <p>
 * Unlike Kubernetes, PreFilter state (pod affinity counts) is not updated for the removed
 * victims, so a node is only found when the victims block the pod through its filters'
 * per-node checks (resources, ports, taints).
 */
public final class DefaultPreemption implements PostFilterPlugin {

	public static final String NAME = "DefaultPreemption";

	private final Evictor evictor;

	private final DisruptionBudgets budgets;

	public DefaultPreemption(Evictor evictor, DisruptionBudgets budgets) {
		this.evictor = evictor;
		this.budgets = budgets;
	}

	@Override
	public String name() {
		return NAME;
	}

	/** Side effects of preemption, behind an interface so the choice is unit-tested. */
	public interface Evictor {

		void preempt(PodInfo preemptor, String nodeName, List<PodInfo> victims);

	}

	/**
	 * The node chosen and the pods to evict there, most important first.
	 *
	 * @param pdbViolations how many victims' eviction violates a PodDisruptionBudget
	 */
	public record Candidate(String nodeName, List<PodInfo> victims, int pdbViolations) {

		int highestPriority() {
			return this.victims.isEmpty() ? Integer.MIN_VALUE : this.victims.get(0).priority();
		}

		long prioritySum() {
			// Kubernetes shifts each priority by MaxInt32+1 so negative priorities still
			// make a larger sum with more victims.
			long sum = 0;
			for (PodInfo victim : this.victims) {
				sum += (long) victim.priority() + Integer.MAX_VALUE + 1;
			}
			return sum;
		}

		/**
		 * The earliest start among the most important victims (Kubernetes'
		 * {@code GetEarliestPodStartTime}); "" when unknown, which sorts first.
		 */
		String earliestStartOfMostImportant() {
			String earliest = null;
			int highest = highestPriority();
			for (PodInfo victim : this.victims) {
				if (victim.priority() == highest) {
					String start = startTime(victim);
					if (earliest == null || start.compareTo(earliest) < 0) {
						earliest = start;
					}
				}
			}
			return earliest == null ? "" : earliest;
		}

	}

	@Override
	public PostFilterResult postFilter(CycleState state, PodInfo pod, NodeSnapshot snapshot,
			Map<String, Status> rejections, Filters filters) {
		if ("Never".equals(pod.pod().getSpec().getPreemptionPolicy())) {
			return new PostFilterResult(null, Status.unresolvable("not eligible due to preemptionPolicy=Never."));
		}
		List<PodDisruptionBudget> pdbs = null;
		Candidate best = null;
		for (Map.Entry<String, Status> rejection : rejections.entrySet()) {
			if (rejection.getValue().code() != Code.UNSCHEDULABLE) {
				continue;
			}
			NodeInfo node = snapshot.get(rejection.getKey());
			if (node == null) {
				continue;
			}
			if (pdbs == null) {
				// Listed once per preemption attempt, only when a node qualifies.
				pdbs = this.budgets.list();
			}
			Candidate candidate = selectVictims(state, pod, node, filters, pdbs);
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

	/**
	 * Kubernetes' {@code pickOneNodeForPreemption}: the smaller candidate is better. The
	 * later start time wins (reversed), and the node name makes the choice deterministic
	 * where Kubernetes takes the first in its map order.
	 */
	static final Comparator<Candidate> BETTER = Comparator.comparingInt(Candidate::pdbViolations)
		.thenComparingInt(Candidate::highestPriority)
		.thenComparingLong(Candidate::prioritySum)
		.thenComparingInt((c) -> c.victims().size())
		.thenComparing(Candidate::earliestStartOfMostImportant, Comparator.reverseOrder())
		.thenComparing(Candidate::nodeName);

	/** Kubernetes' {@code MoreImportantPod}: higher priority, then earlier start. */
	static final Comparator<PodInfo> MORE_IMPORTANT_FIRST = Comparator.comparingInt(PodInfo::priority)
		.reversed()
		.thenComparing(DefaultPreemption::startTime);

	/**
	 * The victims on this node, or null when even removing all lower-priority pods does
	 * not help.
	 */
	static Candidate selectVictims(CycleState state, PodInfo pod, NodeInfo node, Filters filters,
			List<PodDisruptionBudget> pdbs) {
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
		lower.sort(MORE_IMPORTANT_FIRST);
		List<List<PodInfo>> groups = PdbViolations.split(lower, pdbs);
		List<PodInfo> victims = new ArrayList<>();
		int violations = 0;
		// Give back the pods whose eviction would violate a budget first, then the rest;
		// within each, the most important first: they are the last we want to evict.
		for (int group = 0; group < 2; group++) {
			for (PodInfo candidate : groups.get(group)) {
				trial.addPod(candidate);
				if (!filters.run(state, pod, trial).isSuccess()) {
					trial.removePod(candidate.uid());
					victims.add(candidate);
					if (group == 0) {
						violations++;
					}
				}
			}
		}
		victims.sort(MORE_IMPORTANT_FIRST);
		return new Candidate(node.name(), List.copyOf(victims), violations);
	}

	/** RFC 3339 in UTC sorts as text; a pod not started yet sorts last ("~"). */
	static String startTime(PodInfo pod) {
		String start = pod.pod().getStatus() == null ? null : pod.pod().getStatus().getStartTime();
		return start == null || start.isEmpty() ? "~" : start;
	}

	@Override
	public void close() {
		this.budgets.close();
	}

}
