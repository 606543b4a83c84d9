package io.stevedore.machinery.printers;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class PodPrinterTest {

	static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

	static PodBuilder pod(String... containers) {
		PodBuilder builder = new PodBuilder().withNewMetadata()
			.withName("web")
			.withNamespace("default")
			.withCreationTimestamp("2025-01-01T11:55:00Z")
			.endMetadata()
			.withNewSpec()
			.endSpec();
		for (String name : containers) {
			builder.editSpec().addNewContainer().withName(name).withImage("nginx").endContainer().endSpec();
		}
		return builder;
	}

	static ContainerStatus running(String name, boolean ready) {
		return new ContainerStatusBuilder().withName(name)
			.withReady(ready)
			.withRestartCount(0)
			.withNewState()
			.withNewRunning()
			.withStartedAt("2025-01-01T11:56:00Z")
			.endRunning()
			.endState()
			.build();
	}

	static ContainerStatus waiting(String name, String reason, int restarts) {
		return new ContainerStatusBuilder().withName(name)
			.withReady(false)
			.withRestartCount(restarts)
			.withNewState()
			.withNewWaiting()
			.withReason(reason)
			.endWaiting()
			.endState()
			.withNewLastState()
			.withNewTerminated()
			.withExitCode(1)
			.withFinishedAt("2025-01-01T11:59:30Z")
			.endTerminated()
			.endLastState()
			.build();
	}

	static ContainerStatus terminated(String name, int exitCode, String reason) {
		return new ContainerStatusBuilder().withName(name)
			.withReady(false)
			.withRestartCount(0)
			.withNewState()
			.withNewTerminated()
			.withExitCode(exitCode)
			.withReason(reason)
			.endTerminated()
			.endState()
			.build();
	}

	static Stream<Arguments> pods() {
		return Stream.of(
				Arguments.of("a pending pod not yet scheduled shows its phase",
						pod("app").withNewStatus().withPhase("Pending").endStatus().build(), "0/1", "Pending", "0"),
				Arguments.of("a pod whose container image is being pulled shows ContainerCreating",
						pod("app").withNewStatus()
							.withPhase("Pending")
							.withContainerStatuses(waiting("app", "ContainerCreating", 0))
							.endStatus()
							.build(),
						"0/1", "ContainerCreating", "0"),
				Arguments.of("a crashing container shows CrashLoopBackOff and restarts with when",
						pod("app").withNewStatus()
							.withPhase("Running")
							.withContainerStatuses(waiting("app", "CrashLoopBackOff", 4))
							.endStatus()
							.build(),
						"0/1", "CrashLoopBackOff", "4 (30s ago)"),
				Arguments.of("a running pod with one of two containers ready",
						pod("app", "sidecar").withNewStatus()
							.withPhase("Running")
							.withContainerStatuses(running("app", true), running("sidecar", false))
							.endStatus()
							.build(),
						"1/2", "Running", "0"),
				Arguments.of("a finished pod shows Completed",
						pod("app").withNewStatus()
							.withPhase("Succeeded")
							.withContainerStatuses(terminated("app", 0, "Completed"))
							.endStatus()
							.build(),
						"0/1", "Completed", "0"),
				Arguments.of("a container that died without reason shows its exit code",
						pod("app").withNewStatus()
							.withPhase("Failed")
							.withContainerStatuses(terminated("app", 137, null))
							.endStatus()
							.build(),
						"0/1", "ExitCode:137", "0"),
				Arguments.of("a completed container beside a running ready one reads Running",
						pod("a", "b").withNewStatus()
							.withPhase("Running")
							.withConditions(new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("Ready")
								.withStatus("True")
								.build())
							.withContainerStatuses(running("a", true), terminated("b", 0, "Completed"))
							.endStatus()
							.build(),
						"1/2", "Running", "0"),
				Arguments.of("the second of two init containers running shows Init:1/2",
						pod("app").editSpec()
							.addNewInitContainer()
							.withName("i1")
							.endInitContainer()
							.addNewInitContainer()
							.withName("i2")
							.endInitContainer()
							.endSpec()
							.withNewStatus()
							.withPhase("Pending")
							.withInitContainerStatuses(terminated("i1", 0, "Completed"), running("i2", false))
							.withContainerStatuses(waiting("app", "PodInitializing", 0))
							.endStatus()
							.build(),
						"0/1", "Init:1/2", "0"),
				Arguments.of("a failing init container shows Init: and its reason",
						pod("app").editSpec()
							.addNewInitContainer()
							.withName("i1")
							.endInitContainer()
							.endSpec()
							.withNewStatus()
							.withPhase("Pending")
							.withInitContainerStatuses(terminated("i1", 2, "Error"))
							.endStatus()
							.build(),
						"0/1", "Init:Error", "0"),
				Arguments.of("a sidecar init container counts as a container once started",
						pod("app").editSpec()
							.addNewInitContainer()
							.withName("proxy")
							.withRestartPolicy("Always")
							.endInitContainer()
							.endSpec()
							.withNewStatus()
							.withPhase("Running")
							.withInitContainerStatuses(
									new ContainerStatusBuilder(running("proxy", true)).withStarted(true).build())
							.withContainerStatuses(running("app", true))
							.endStatus()
							.build(),
						"2/2", "Running", "0"),
				Arguments.of("a pod being deleted shows Terminating",
						pod("app").editMetadata()
							.withDeletionTimestamp("2025-01-01T11:59:00Z")
							.endMetadata()
							.withNewStatus()
							.withPhase("Running")
							.withContainerStatuses(running("app", true))
							.endStatus()
							.build(),
						"1/1", "Terminating", "0"),
				Arguments.of("a pod being deleted on an unreachable node shows Unknown",
						pod("app").editMetadata()
							.withDeletionTimestamp("2025-01-01T11:59:00Z")
							.endMetadata()
							.withNewStatus()
							.withPhase("Running")
							.withReason("NodeLost")
							.endStatus()
							.build(),
						"0/1", "Unknown", "0"),
				Arguments.of("a pod held by scheduling gates shows SchedulingGated",
						pod("app").withNewStatus()
							.withPhase("Pending")
							.addNewCondition()
							.withType("PodScheduled")
							.withStatus("False")
							.withReason("SchedulingGated")
							.endCondition()
							.endStatus()
							.build(),
						"0/1", "SchedulingGated", "0"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("pods")
	void readyStatusAndRestartsAreComputedLikeKubernetes(String description, Pod pod, String ready, String status,
			String restarts) {
		List<Object> cells = PodPrinter.row(pod, NOW).cells();
		assertThat(cells.subList(0, 5)).containsExactly("web", ready, status, restarts, "5m");
	}

	@Test
	void wideCellsShowIpNodeNominatedNodeAndReadinessGates() {
		Pod pod = pod("app").editSpec()
			.withNodeName("node-1")
			.addNewReadinessGate()
			.withConditionType("example.com/lb")
			.endReadinessGate()
			.endSpec()
			.withNewStatus()
			.withPhase("Running")
			.addNewPodIP()
			.withIp("10.244.0.5")
			.endPodIP()
			.addNewCondition()
			.withType("example.com/lb")
			.withStatus("True")
			.endCondition()
			.endStatus()
			.build();
		assertThat(PodPrinter.row(pod, NOW).cells().subList(5, 9)).containsExactly("10.244.0.5", "node-1", "<none>",
				"1/1");
		assertThat(PodPrinter.row(pod("app").build(), NOW).cells().subList(5, 9)).containsExactly("<none>", "<none>",
				"<none>", "<none>");
	}

	@Test
	void finishedPodsCarryTheCompletedRowCondition() {
		Pod succeeded = pod("app").withNewStatus().withPhase("Succeeded").endStatus().build();
		Pod running = pod("app").withNewStatus().withPhase("Running").endStatus().build();
		assertThat(PodPrinter.row(succeeded, NOW).conditions()).containsExactly(
				new Row.RowCondition("Completed", "True", "Succeeded", "The pod has completed successfully."));
		assertThat(PodPrinter.row(running, NOW).conditions()).isEmpty();
	}

}
