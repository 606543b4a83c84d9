package io.stevedore.controller.workload;

import java.time.Instant;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/** Pod state as the workload controllers judge it (Kubernetes' {@code podutil}). */
public final class Pods {

	private Pods() {
	}

	/**
	 * Kubernetes' {@code IsPodActive}: not terminal and not being deleted. Only active
	 * pods count towards a controller's replicas.
	 */
	public static boolean isActive(Pod pod) {
		return !isTerminal(pod) && pod.getMetadata().getDeletionTimestamp() == null;
	}

	public static boolean isTerminal(Pod pod) {
		String phase = phase(pod);
		return "Succeeded".equals(phase) || "Failed".equals(phase);
	}

	public static boolean isTerminating(Pod pod) {
		return pod.getMetadata().getDeletionTimestamp() != null;
	}

	public static String phase(Pod pod) {
		return pod.getStatus() == null ? null : pod.getStatus().getPhase();
	}

	public static boolean isReady(Pod pod) {
		return readyCondition(pod).map(c -> "True".equals(c.getStatus())).orElse(false);
	}

	/**
	 * Kubernetes' {@code IsPodAvailable}: ready, and ready for at least
	 * {@code minReadySeconds} (counted from the Ready condition's last transition).
	 */
	public static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
		if (!isReady(pod)) {
			return false;
		}
		if (minReadySeconds <= 0) {
			return true;
		}
		Instant since = readySince(pod);
		return since != null && !since.plusSeconds(minReadySeconds).isAfter(now);
	}

	/** When the Ready condition last changed, null when unknown. */
	public static Instant readySince(Pod pod) {
		return readyCondition(pod).map(PodCondition::getLastTransitionTime)
			.filter(t -> !t.isEmpty())
			.map(Instant::parse)
			.orElse(null);
	}

	public static Optional<PodCondition> readyCondition(Pod pod) {
		if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
			return Optional.empty();
		}
		return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
	}

	public static Instant createdAt(Pod pod) {
		String created = pod.getMetadata().getCreationTimestamp();
		return created == null || created.isEmpty() ? Instant.EPOCH : Instant.parse(created);
	}

}
