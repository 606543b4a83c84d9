package io.stevedore.machinery.printers;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * Pods: NAME READY STATUS RESTARTS AGE, and IP NODE NOMINATED NODE READINESS GATES wide.
 *
 * <p>
 * STATUS is not a field: like Kubernetes' printPod it starts from the phase (or the
 * status reason), is replaced by the first unfinished init container ({@code Init:1/2},
 * {@code Init:CrashLoopBackOff}), then by the last container's waiting or terminated
 * reason ({@code ContainerCreating}, {@code CrashLoopBackOff}, {@code Completed},
 * {@code ExitCode:1}), and finally by {@code Terminating} once deletion started.
 */
final class PodPrinter {

	static final String NODE_UNREACHABLE_REASON = "NodeLost";

	static final KindPrinter<Pod> PRINTER = new KindPrinter<>(Pod.class, List.of(Column.NAME,
			Column.string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
			Column.string("Status", "The aggregate status of the containers in this pod."),
			Column.string("Restarts",
					"The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
			Column.AGE,
			Column.wide("IP",
					"podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
			Column.wide("Node", "NodeName indicates in which node this pod is scheduled."),
			Column.wide("Nominated Node",
					"nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
			Column.wide("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.")),
			PodPrinter::row);

	private static final Row.RowCondition SUCCEEDED = new Row.RowCondition("Completed", "True", "Succeeded",
			"The pod has completed successfully.");

	private static final Row.RowCondition FAILED = new Row.RowCondition("Completed", "True", "Failed",
			"The pod failed.");

	private PodPrinter() {
	}

	static Row row(Pod pod, Instant now) {
		PodSpec spec = pod.getSpec() != null ? pod.getSpec() : new PodSpec();
		PodStatus status = pod.getStatus() != null ? pod.getStatus() : new PodStatus();
		List<Container> containers = list(spec.getContainers());
		List<Container> initContainers = list(spec.getInitContainers());
		List<PodCondition> conditions = list(status.getConditions());

		int totalContainers = containers.size();
		int readyContainers = 0;
		int restarts = 0;
		int sidecarRestarts = 0;
		Instant lastRestart = null;
		Instant lastSidecarRestart = null;

		String phase = Cells.nonNull(status.getPhase());
		String reason = isEmpty(status.getReason()) ? phase : status.getReason();
		for (PodCondition condition : conditions) {
			if ("PodScheduled".equals(condition.getType()) && "SchedulingGated".equals(condition.getReason())) {
				reason = "SchedulingGated";
			}
		}

		Map<String, Container> initByName = new HashMap<>();
		for (Container init : initContainers) {
			initByName.put(init.getName(), init);
			if (isSidecar(init)) {
				totalContainers++;
			}
		}

		boolean initializing = false;
		List<ContainerStatus> initStatuses = list(status.getInitContainerStatuses());
		for (int i = 0; i < initStatuses.size(); i++) {
			ContainerStatus container = initStatuses.get(i);
			boolean sidecar = isSidecar(initByName.get(container.getName()));
			restarts += Cells.num(container.getRestartCount());
			lastRestart = later(lastRestart, lastTermination(container));
			if (sidecar) {
				sidecarRestarts += Cells.num(container.getRestartCount());
				lastSidecarRestart = later(lastSidecarRestart, lastTermination(container));
			}
			ContainerState state = container.getState() != null ? container.getState() : new ContainerState();
			if (state.getTerminated() != null && Cells.num(state.getTerminated().getExitCode()) == 0) {
				continue;
			}
			if (sidecar && Cells.bool(container.getStarted())) {
				if (Cells.bool(container.getReady())) {
					readyContainers++;
				}
				continue;
			}
			if (state.getTerminated() != null) {
				reason = "Init:" + terminatedReason(state);
			}
			else if (state.getWaiting() != null && !isEmpty(state.getWaiting().getReason())
					&& !"PodInitializing".equals(state.getWaiting().getReason())) {
				reason = "Init:" + state.getWaiting().getReason();
			}
			else {
				reason = "Init:" + i + "/" + initContainers.size();
			}
			initializing = true;
			break;
		}

		if (!initializing || isInitialized(conditions)) {
			restarts = sidecarRestarts;
			lastRestart = lastSidecarRestart;
			boolean hasRunning = false;
			List<ContainerStatus> statuses = list(status.getContainerStatuses());
			for (int i = statuses.size() - 1; i >= 0; i--) {
				ContainerStatus container = statuses.get(i);
				restarts += Cells.num(container.getRestartCount());
				lastRestart = later(lastRestart, lastTermination(container));
				ContainerState state = container.getState() != null ? container.getState() : new ContainerState();
				if (state.getWaiting() != null && !isEmpty(state.getWaiting().getReason())) {
					reason = state.getWaiting().getReason();
				}
				else if (state.getTerminated() != null) {
					reason = terminatedReason(state);
				}
				else if (Cells.bool(container.getReady()) && state.getRunning() != null) {
					hasRunning = true;
					readyContainers++;
				}
			}
			// a pod whose last container completed but another still runs is not done
			if ("Completed".equals(reason) && hasRunning) {
				reason = isReady(conditions) ? "Running" : "NotReady";
			}
		}

		String deletion = pod.getMetadata() != null ? pod.getMetadata().getDeletionTimestamp() : null;
		if (!isEmpty(deletion) && NODE_UNREACHABLE_REASON.equals(status.getReason())) {
			reason = "Unknown";
		}
		else if (!isEmpty(deletion) && !phase.equals("Succeeded") && !phase.equals("Failed")) {
			reason = "Terminating";
		}

		String restartCell = String.valueOf(restarts);
		if (restarts != 0 && lastRestart != null) {
			restartCell = restarts + " (" + HumanDuration.format(java.time.Duration.between(lastRestart, now))
					+ " ago)";
		}

		String podIP = status.getPodIPs() == null || status.getPodIPs().isEmpty() ? ""
				: Cells.nonNull(status.getPodIPs().get(0).getIp());
		List<Row.RowCondition> rowConditions = switch (phase) {
			case "Succeeded" -> List.of(SUCCEEDED);
			case "Failed" -> List.of(FAILED);
			default -> List.of();
		};
		return new Row(List.of(pod.getMetadata().getName(), readyContainers + "/" + totalContainers, reason,
				restartCell, Cells.age(pod.getMetadata().getCreationTimestamp(), now), Cells.orNone(podIP),
				Cells.orNone(spec.getNodeName()), Cells.orNone(status.getNominatedNodeName()),
				readinessGates(spec, conditions)), rowConditions);
	}

	private static String readinessGates(PodSpec spec, List<PodCondition> conditions) {
		List<PodReadinessGate> gates = list(spec.getReadinessGates());
		if (gates.isEmpty()) {
			return Cells.NONE;
		}
		int satisfied = 0;
		for (PodReadinessGate gate : gates) {
			for (PodCondition condition : conditions) {
				if (condition.getType().equals(gate.getConditionType())) {
					if ("True".equals(condition.getStatus())) {
						satisfied++;
					}
					break;
				}
			}
		}
		return satisfied + "/" + gates.size();
	}

	private static String terminatedReason(ContainerState state) {
		var terminated = state.getTerminated();
		if (!isEmpty(terminated.getReason())) {
			return terminated.getReason();
		}
		return Cells.num(terminated.getSignal()) != 0 ? "Signal:" + terminated.getSignal()
				: "ExitCode:" + Cells.num(terminated.getExitCode());
	}

	/** A restartable init container (restartPolicy: Always) is a sidecar. */
	private static boolean isSidecar(Container init) {
		return init != null && "Always".equals(init.getRestartPolicy());
	}

	private static Instant lastTermination(ContainerStatus container) {
		if (container.getLastState() == null || container.getLastState().getTerminated() == null) {
			return null;
		}
		return Cells.instant(container.getLastState().getTerminated().getFinishedAt());
	}

	private static Instant later(Instant current, Instant candidate) {
		return candidate != null && (current == null || current.isBefore(candidate)) ? candidate : current;
	}

	private static boolean isInitialized(List<PodCondition> conditions) {
		return conditions.stream()
			.filter(c -> "Initialized".equals(c.getType()))
			.findFirst()
			.map(c -> "True".equals(c.getStatus()))
			.orElse(false);
	}

	private static boolean isReady(List<PodCondition> conditions) {
		return conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
	}

	private static boolean isEmpty(String s) {
		return s == null || s.isEmpty();
	}

	private static <T> List<T> list(List<T> list) {
		return list == null ? List.of() : list;
	}

}
