package io.stevedore.controller.workload;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/** What the workload controllers ask of a pod's status (Kubernetes' podutil). */
public final class PodStates {

	private PodStates() {
	}

	public static String phase(Pod pod) {
		return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus().getPhase();
	}

	public static boolean isTerminal(Pod pod) {
		String phase = phase(pod);
		return phase.equals("Succeeded") || phase.equals("Failed");
	}

	public static boolean isTerminating(Pod pod) {
		return pod.getMetadata().getDeletionTimestamp() != null;
	}

	/** Not terminal and not being deleted: counts toward a controller's active pods. */
	public static boolean isActive(Pod pod) {
		return !isTerminal(pod) && !isTerminating(pod);
	}

	public static PodCondition readyCondition(Pod pod) {
		if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
			return null;
		}
		return pod.getStatus()
			.getConditions()
			.stream()
			.filter(c -> "Ready".equals(c.getType()))
			.findFirst()
			.orElse(null);
	}

	public static boolean isReady(Pod pod) {
		PodCondition ready = readyCondition(pod);
		return ready != null && "True".equals(ready.getStatus());
	}

	/** Ready for at least minReadySeconds (Kubernetes' IsPodAvailable). */
	public static boolean isAvailable(Pod pod, int minReadySeconds, Clock clock) {
		PodCondition ready = readyCondition(pod);
		if (ready == null || !"True".equals(ready.getStatus())) {
			return false;
		}
		if (minReadySeconds <= 0) {
			return true;
		}
		if (ready.getLastTransitionTime() == null) {
			return false;
		}
		Instant since = Instant.parse(ready.getLastTransitionTime());
		return !since.plus(Duration.ofSeconds(minReadySeconds)).isAfter(clock.instant());
	}

}
