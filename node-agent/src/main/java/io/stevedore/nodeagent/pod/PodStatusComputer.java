package io.stevedore.nodeagent.pod;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.stevedore.nodeagent.runtime.ContainerDetails;

/**
 * The pod's status from what the engine holds, the kubelet's
 * {@code generateAPIPodStatus}: container states with lastState and exit reasons, the
 * phase rules of {@code getPhase}, and the Initialized, ContainersReady and Ready
 * conditions. Times are cut to seconds (Kubernetes' Time) and a condition keeps its
 * transition time while its status holds, so an unchanged pod computes an equal status
 * and nothing is written.
 */
final class PodStatusComputer {

	private PodStatusComputer() {
	}

	/**
	 * @param waiting why containers are not running, by container name
	 * @param ready whether a running container instance is ready (its readiness probe)
	 * @param started whether a running container instance has started (its startup probe)
	 */
	static PodStatus compute(Pod pod, Observed observed, Map<String, Waiting> waiting, String podIp, String hostIp,
			BiPredicate<Container, ContainerDetails> ready, BiPredicate<Container, ContainerDetails> started,
			Instant now) {
		PodStatus old = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
		String restartPolicy = pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
		List<ContainerStatus> initStatuses = new ArrayList<>();
		boolean initialized = true;
		boolean initFailed = false;
		List<String> incompleteInit = new ArrayList<>();
		boolean anyAppContainer = pod.getSpec()
			.getContainers()
			.stream()
			.anyMatch(c -> observed.current(c.getName()) != null);
		for (Container container : nonNull(pod.getSpec().getInitContainers())) {
			ContainerDetails current = observed.current(container.getName());
			initStatuses.add(status(container, current, observed.previous(container.getName()),
					waiting.get(container.getName()), false, false, "PodInitializing"));
			boolean completed = current != null && current.exited() && current.exitCode() == 0;
			if (!completed && !anyAppContainer) {
				initialized = false;
				incompleteInit.add(container.getName());
				if (current != null && terminated(current) && "Never".equals(restartPolicy)) {
					initFailed = true;
				}
			}
		}
		List<ContainerStatus> statuses = new ArrayList<>();
		List<String> unready = new ArrayList<>();
		int running = 0;
		int waitingCount = 0;
		int stopped = 0;
		int succeeded = 0;
		for (Container container : pod.getSpec().getContainers()) {
			ContainerDetails current = observed.current(container.getName());
			boolean isRunning = current != null && current.running();
			boolean isStarted = isRunning && started.test(container, current);
			boolean isReady = isStarted && ready.test(container, current);
			Waiting why = waiting.get(container.getName());
			ContainerStatus status = status(container, current, observed.previous(container.getName()), why, isReady,
					isStarted, initialized ? "ContainerCreating" : "PodInitializing");
			statuses.add(status);
			if (!isReady) {
				unready.add(container.getName());
			}
			if (isRunning) {
				running++;
			}
			else if (status.getState().getTerminated() != null) {
				stopped++;
				if (status.getState().getTerminated().getExitCode() == 0) {
					succeeded++;
				}
			}
			else if (status.getLastState() != null && status.getLastState().getTerminated() != null) {
				stopped++;
			}
			else {
				waitingCount++;
			}
		}
		String phase;
		if (initFailed) {
			phase = "Failed";
		}
		else if (!initialized || waitingCount > 0) {
			phase = "Pending";
		}
		else if (running > 0) {
			phase = "Running";
		}
		else if (stopped > 0 && "Always".equals(restartPolicy)) {
			phase = "Running";
		}
		else if (stopped == succeeded) {
			phase = "Succeeded";
		}
		else if ("Never".equals(restartPolicy)) {
			phase = "Failed";
		}
		else {
			phase = "Running";
		}
		boolean terminal = "Succeeded".equals(phase) || "Failed".equals(phase);
		List<PodCondition> conditions = new ArrayList<>();
		conditions.add(condition(old, "PodReadyToStartContainers", podIp != null || hostNetwork(pod) ? "True" : "False",
				null, null, now));
		conditions
			.add(initialized ? condition(old, "Initialized", "True", null, null, now) : condition(old, "Initialized",
					"False", "ContainersNotInitialized", "containers with incomplete status: " + incompleteInit, now));
		if (terminal && "Succeeded".equals(phase)) {
			conditions.add(condition(old, "Ready", "False", "PodCompleted", null, now));
			conditions.add(condition(old, "ContainersReady", "False", "PodCompleted", null, now));
		}
		else if (unready.isEmpty()) {
			conditions.add(condition(old, "Ready", "True", null, null, now));
			conditions.add(condition(old, "ContainersReady", "True", null, null, now));
		}
		else {
			String message = "containers with unready status: " + unready;
			conditions.add(condition(old, "Ready", "False", "ContainersNotReady", message, now));
			conditions.add(condition(old, "ContainersReady", "False", "ContainersNotReady", message, now));
		}
		// Conditions someone else owns (PodScheduled, readiness gates) stay as they are.
		for (PodCondition other : nonNull(old.getConditions())) {
			if (conditions.stream().noneMatch(c -> c.getType().equals(other.getType()))) {
				conditions.add(other);
			}
		}
		conditions.sort(java.util.Comparator.comparingInt(c -> order(c.getType())));
		PodStatusBuilder builder = new PodStatusBuilder(old).withPhase(phase)
			.withConditions(conditions)
			.withHostIP(hostIp)
			.withHostIPs(new HostIP(hostIp))
			.withQosClass(ContainerResources.qosClass(pod))
			.withContainerStatuses(statuses)
			.withInitContainerStatuses(initStatuses)
			.withEphemeralContainerStatuses(ephemeralStatuses(pod, observed, waiting))
			.withStartTime(old.getStartTime() != null ? old.getStartTime() : time(now));
		if (podIp != null) {
			builder.withPodIP(podIp).withPodIPs(new PodIP(podIp));
		}
		else if (old.getPodIP() == null) {
			builder.withPodIP(null).withPodIPs();
		}
		return builder.build();
	}

	/**
	 * One status per ephemeral container, as the kubelet gives them: never ready, never
	 * restarted, so no lastState. They count for nothing above (phase, conditions).
	 */
	private static List<ContainerStatus> ephemeralStatuses(Pod pod, Observed observed, Map<String, Waiting> waiting) {
		String defaultWaitingReason = nonNull(pod.getSpec().getInitContainers()).isEmpty() ? "ContainerCreating"
				: "PodInitializing";
		List<ContainerStatus> statuses = new ArrayList<>();
		for (var ephemeral : EphemeralContainers.of(pod)) {
			Container container = EphemeralContainers.asContainer(ephemeral);
			ContainerDetails current = observed.current(container.getName());
			boolean running = current != null && current.running();
			statuses.add(status(container, current, null, waiting.get(container.getName()), false, running,
					defaultWaitingReason));
		}
		return statuses;
	}

	private static int order(String type) {
		return switch (type) {
			case "PodReadyToStartContainers" -> 0;
			case "Initialized" -> 1;
			case "Ready" -> 2;
			case "ContainersReady" -> 3;
			case "PodScheduled" -> 4;
			default -> 5;
		};
	}

	private static boolean hostNetwork(Pod pod) {
		return Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
	}

	private static ContainerStatus status(Container container, ContainerDetails current, ContainerDetails previous,
			Waiting waiting, boolean ready, boolean started, String defaultWaitingReason) {
		ContainerStatusBuilder status = new ContainerStatusBuilder().withName(container.getName())
			.withImage(container.getImage())
			.withImageID("")
			.withReady(ready)
			.withStarted(started)
			.withRestartCount(current == null ? 0 : Observed.restartCount(current));
		if (current != null) {
			status.withContainerID("docker://" + current.id())
				.withImageID(current.imageId() == null ? "" : "docker://" + current.imageId());
		}
		ContainerState lastState = previous == null ? new ContainerState() : terminatedState(previous);
		if (current == null) {
			Waiting why = waiting != null ? waiting : new Waiting(defaultWaitingReason, null);
			return status.withState(waitingState(why)).withLastState(lastState).build();
		}
		if (current.running()) {
			return status
				.withState(new ContainerStateBuilder().withNewRunning()
					.withStartedAt(time(current.startedAt()))
					.endRunning()
					.build())
				.withLastState(lastState)
				.build();
		}
		if (waiting != null) {
			// It will run again (a restart in back-off): the last run is lastState.
			return status.withState(waitingState(waiting)).withLastState(terminatedState(current)).build();
		}
		return status.withState(terminatedState(current)).withLastState(lastState).build();
	}

	private static ContainerState waitingState(Waiting waiting) {
		return new ContainerStateBuilder().withNewWaiting()
			.withReason(waiting.reason())
			.withMessage(waiting.message())
			.endWaiting()
			.build();
	}

	static ContainerState terminatedState(ContainerDetails container) {
		Instant finished = container.finishedAt() != null ? container.finishedAt() : container.createdAt();
		return new ContainerStateBuilder().withNewTerminated()
			.withExitCode(exitCode(container))
			.withReason(reason(container))
			.withMessage(container.error() == null || container.error().isEmpty() ? null : container.error())
			.withStartedAt(time(container.startedAt() != null ? container.startedAt() : container.createdAt()))
			.withFinishedAt(time(finished))
			.withContainerID("docker://" + container.id())
			.endTerminated()
			.build();
	}

	/** A container Docker created but could not start counts as terminated. */
	static boolean terminated(ContainerDetails container) {
		return container.exited() || (container.created() && !container.error().isEmpty());
	}

	static int exitCode(ContainerDetails container) {
		if (container.created() && container.exitCode() == 0 && !container.error().isEmpty()) {
			return 128;
		}
		return container.exitCode();
	}

	/** Kubernetes' terminated reasons. */
	static String reason(ContainerDetails container) {
		if (container.oomKilled()) {
			return "OOMKilled";
		}
		if (container.error() != null && !container.error().isEmpty()) {
			return "ContainerCannotRun";
		}
		return exitCode(container) == 0 ? "Completed" : "Error";
	}

	private static PodCondition condition(PodStatus old, String type, String status, String reason, String message,
			Instant now) {
		PodCondition previous = nonNull(old.getConditions()).stream()
			.filter(c -> type.equals(c.getType()))
			.findFirst()
			.orElse(null);
		String transition = previous != null && status.equals(previous.getStatus())
				&& previous.getLastTransitionTime() != null ? previous.getLastTransitionTime() : time(now);
		return new PodConditionBuilder().withType(type)
			.withStatus(status)
			.withReason(reason)
			.withMessage(message)
			.withLastProbeTime(null)
			.withLastTransitionTime(transition)
			.build();
	}

	static String time(Instant instant) {
		return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
	}

	private static <T> List<T> nonNull(List<T> list) {
		return list == null ? List.of() : list;
	}

}
