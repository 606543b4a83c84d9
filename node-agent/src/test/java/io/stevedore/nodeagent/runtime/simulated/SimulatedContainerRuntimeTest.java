package io.stevedore.nodeagent.runtime.simulated;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.stevedore.nodeagent.runtime.ContainerDetails;
import io.stevedore.nodeagent.runtime.ContainerSpec;
import io.stevedore.nodeagent.runtime.SandboxSpec;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedContainerRuntimeTest {

	private final MutableClock clock = new MutableClock();

	private final SimulatedContainerRuntime runtime = new SimulatedContainerRuntime(
			new SimulatedRuntimeProperties(4, DataSize.ofGigabytes(16), "10.9.0.0/24", Duration.ZERO), "sim-1",
			this.clock);

	@Test
	void theNodeReportsTheConfiguredCapacityAndASimulatedEngine() {
		assertThat(this.runtime.info().runtimeVersion()).isEqualTo("simulated://1.0.0");
		assertThat(this.runtime.info().cpus()).isEqualTo(4);
		assertThat(this.runtime.info().memoryBytes()).isEqualTo(16L << 30);
		assertThat(this.runtime.simulated()).isTrue();
	}

	@Test
	void aSandboxRunsWithAnAddressFromTheBlockAndGivesItBackWhenRemoved() {
		var sandbox = this.runtime.runSandbox(sandbox("pod-a"));
		assertThat(sandbox.ip()).isEqualTo("10.9.0.1");
		assertThat(this.runtime.inspectContainer(sandbox.id()).orElseThrow().running()).isTrue();

		this.runtime.removeContainer(sandbox.id());

		assertThat(this.runtime.inspectContainer(sandbox.id())).isEmpty();
		assertThat(this.runtime.runSandbox(sandbox("pod-b")).ip()).isEqualTo("10.9.0.2");
		assertThat(this.runtime.runSandbox(sandbox("pod-c")).ip()).isEqualTo("10.9.0.3");
	}

	@Test
	void aContainerWhoseCommandSleepsExitsWhenItsTimeHasCome() {
		String id = this.runtime.createContainer(container("job", List.of("sh", "-c", "echo hi; sleep 10; exit 2")));
		assertThat(this.runtime.inspectContainer(id).orElseThrow().created()).isTrue();

		this.runtime.startContainer(id);
		this.clock.advance(Duration.ofSeconds(9));
		assertThat(this.runtime.listContainers(Map.of("app", "job"))).singleElement()
			.satisfies(c -> assertThat(c.state()).isEqualTo("running"));

		this.clock.advance(Duration.ofSeconds(1));
		ContainerDetails exited = this.runtime.inspectContainer(id).orElseThrow();
		assertThat(exited.state()).isEqualTo("exited");
		assertThat(exited.exitCode()).isEqualTo(2);
		assertThat(exited.finishedAt()).isEqualTo(exited.startedAt().plusSeconds(10));
		ByteArrayOutputStream logs = new ByteArrayOutputStream();
		this.runtime.logs(id, null, logs);
		assertThat(logs.toString()).isEqualTo("hi\n");
	}

	@Test
	void aServerRunsUntilStoppedAndReportsTheSignalsExitCode() {
		String graceful = this.runtime.createContainer(container("web", List.of()));
		String killed = this.runtime.createContainer(container("web", List.of()));
		this.runtime.startContainer(graceful);
		this.runtime.startContainer(killed);
		this.clock.advance(Duration.ofDays(1));

		this.runtime.stopContainer(graceful, Duration.ofSeconds(30));
		this.runtime.stopContainer(killed, Duration.ZERO);

		assertThat(this.runtime.inspectContainer(graceful).orElseThrow().exitCode()).isEqualTo(143);
		assertThat(this.runtime.inspectContainer(killed).orElseThrow().exitCode()).isEqualTo(137);
	}

	@Test
	void listingFiltersByLabelsAndExecFollowsTheCommand() {
		String id = this.runtime.createContainer(container("web", List.of()));
		this.runtime.createContainer(container("other", List.of()));
		this.runtime.startContainer(id);

		assertThat(this.runtime.listContainers(Map.of("app", "web"))).extracting("id").containsExactly(id);
		assertThat(this.runtime.exec(id, List.of("cat", "/tmp/healthy"), Duration.ofSeconds(1)).exitCode()).isZero();
		assertThat(this.runtime.exec(id, List.of("sh", "-c", "exit 4"), Duration.ofSeconds(1)).exitCode()).isEqualTo(4);
		assertThat(this.runtime.imagePresent("busybox")).isFalse();
		this.runtime.pullImage("busybox", null);
		assertThat(this.runtime.imagePresent("busybox")).isTrue();
	}

	@Test
	void anEphemeralContainerInATargetsPidNamespaceRunsItsCommandLikeAnyOther() {
		String target = this.runtime.createContainer(container("web", List.of()));
		this.runtime.startContainer(target);
		ContainerSpec plain = container("dbg", List.of("sh", "-c", "echo debugging; exit 3"));
		String debugger = this.runtime.createContainer(new ContainerSpec(plain.name(), plain.image(),
				plain.entrypoint(), plain.cmd(), plain.workingDir(), plain.env(), plain.mounts(), plain.labels(),
				plain.sandboxId(), plain.resources(), true, true, true, target));
		this.runtime.startContainer(debugger);
		this.clock.advance(Duration.ofSeconds(1));

		assertThat(this.runtime.inspectContainer(debugger).orElseThrow().exitCode()).isEqualTo(3);
		assertThat(this.runtime.inspectContainer(target).orElseThrow().running()).isTrue();
		ByteArrayOutputStream logs = new ByteArrayOutputStream();
		this.runtime.logs(debugger, null, logs);
		assertThat(logs.toString()).isEqualTo("debugging\n");
	}

	private static SandboxSpec sandbox(String name) {
		return new SandboxSpec(name, "stevedore/pause:1", List.of("sleep", "inf"), Map.of("pod", name), "pods", false,
				name, "", List.of(), List.of(), null);
	}

	private static ContainerSpec container(String app, List<String> command) {
		return new ContainerSpec(app, "busybox", command, List.of(), "", List.of(), List.of(), Map.of("app", app),
				"sandbox", ContainerSpec.Resources.none(), false, false);
	}

	private static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-12-04T12:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
