package io.stevedore.controller.replicaset;

import java.time.Instant;
import java.util.Comparator;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.controller.workload.PodStates;

/**
 * Which pods a scale-down removes first (Kubernetes' {@code controller.ActivePods}
 * ordering): the least valuable come first. Unscheduled before scheduled, Pending before
 * Unknown before Running, not ready before ready, a lower
 * {@code controller.kubernetes.io/pod-deletion-cost} first, ready for less time before
 * ready for longer, more container restarts first, and newer before older.
 */
public final class PodDeletionOrder {

	public static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

	public static final Comparator<Pod> LEAST_VALUABLE_FIRST = Comparator.comparing((Pod pod) -> isScheduled(pod))
		.thenComparingInt(PodDeletionOrder::phaseRank)
		.thenComparing(PodStates::isReady)
		.thenComparingInt(PodDeletionOrder::deletionCost)
		.thenComparing(PodDeletionOrder::readySinceForReadyPods, Comparator.reverseOrder())
		.thenComparing(PodDeletionOrder::restarts, Comparator.reverseOrder())
		.thenComparing(PodDeletionOrder::created, Comparator.reverseOrder());

	private PodDeletionOrder() {
	}

	private static boolean isScheduled(Pod pod) {
		String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
		return node != null && !node.isEmpty();
	}

	private static int phaseRank(Pod pod) {
		return switch (PodStates.phase(pod)) {
			case "Pending" -> 0;
			case "Unknown" -> 1;
			case "Running" -> 2;
			default -> 3;
		};
	}

	/** An unparsable cost counts as 0, as in Kubernetes. */
	private static int deletionCost(Pod pod) {
		var annotations = pod.getMetadata().getAnnotations();
		String cost = annotations == null ? null : annotations.get(DELETION_COST);
		if (cost == null) {
			return 0;
		}
		try {
			return Integer.parseInt(cost);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/** Only compared between ready pods; not-ready ones all compare equal here. */
	private static Instant readySinceForReadyPods(Pod pod) {
		if (!PodStates.isReady(pod)) {
			return Instant.EPOCH;
		}
		var ready = PodStates.readyCondition(pod);
		String since = ready.getLastTransitionTime();
		return since == null || since.isEmpty() ? Instant.EPOCH : Instant.parse(since);
	}

	private static int restarts(Pod pod) {
		if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
			return 0;
		}
		return pod.getStatus()
			.getContainerStatuses()
			.stream()
			.mapToInt(ContainerStatus::getRestartCount)
			.max()
			.orElse(0);
	}

	private static Instant created(Pod pod) {
		String created = pod.getMetadata().getCreationTimestamp();
		return created == null || created.isEmpty() ? Instant.EPOCH : Instant.parse(created);
	}

}
