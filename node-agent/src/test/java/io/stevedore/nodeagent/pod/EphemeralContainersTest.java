package io.stevedore.nodeagent.pod;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.controller.Keys;
import io.stevedore.nodeagent.pod.dns.DnsConfigurer;
import io.stevedore.nodeagent.pod.probe.ProbeManager;
import io.stevedore.nodeagent.pod.probe.Prober;
import io.stevedore.nodeagent.pod.removal.EndpointRemovalGate;
import io.stevedore.nodeagent.pod.removal.FakeRoutingState;
import io.stevedore.nodeagent.runtime.ContainerDetails;
import io.stevedore.nodeagent.runtime.ContainerSpec;
import io.stevedore.nodeagent.runtime.FakeContainerRuntime;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ephemeral containers (kubectl debug) in the pod sync, against a fake engine and a fake
 * clock: started once in the sandbox, never again, in the target's PID namespace, and
 * reported apart from the pod's own containers.
 */
class EphemeralContainersTest {

	private static final String NODE = "node-a";

	private static final String IMAGE = "app:1";

	private static final String DEBUG_IMAGE = "debug:1";

	@TempDir
	Path root;

	private final FakeClock clock = new FakeClock();

	private final FakeContainerRuntime runtime = new FakeContainerRuntime(this.clock);

	private final Map<String, Pod> pods = new HashMap<>();

	private final RecordingPodApi api = new RecordingPodApi(this.pods);

	private PodSyncer syncer;

	@BeforeEach
	void setUp() {
		this.runtime.images.add(IMAGE);
		this.runtime.images.add("pause:1");
		this.runtime.refusesMissingImages = true;
		this.syncer = newSyncer();
	}

	/** A syncer with no memory of earlier syncs: what a restarted agent starts with. */
	private PodSyncer newSyncer() {
		BackOff crash = new BackOff(Duration.ofSeconds(10), Duration.ofMinutes(5), this.clock);
		BackOff image = new BackOff(Duration.ofSeconds(10), Duration.ofMinutes(5), this.clock);
		ProbeManager probes = new ProbeManager(new Prober(this.runtime), Executors.newSingleThreadScheduledExecutor(),
				key -> {
				});
		return new PodSyncer(this.pods::get, this.runtime, NODE, "192.168.1.10",
				new SandboxSettings("pause:1", List.of("sleep", "1000"), "pods"),
				new ImageManager(this.runtime, image, this.api, this.api), new EnvResolver(this.api),
				new VolumeManager(this.root, this.api), probes, crash, this.api, this.clock, Duration.ofMinutes(1),
				new DnsConfigurer(List.of("10.96.0.10"), "cluster.local", ""), new EndpointRemovalGate(
						new FakeRoutingState(), this.clock, d -> this.clock.advance(d), Duration.ofSeconds(10)));
	}

	@Test
	void anEphemeralContainerIsPulledCreatedAndStartedOnceInThePodsSandboxWithItsEvents() {
		Pod pod = running(pod("web", "Always"));
		addDebugger(pod, "dbg", null);
		sync(pod);
		ContainerDetails dbg = only("dbg");
		ContainerSpec spec = this.runtime.specs.get(dbg.id());
		assertThat(dbg.running()).isTrue();
		assertThat(spec.sandboxId()).isEqualTo(sandbox().id());
		assertThat(spec.pidNamespaceOf()).isNull();
		assertThat(spec.entrypoint()).containsExactly("sh", "-c", "echo hello there");
		assertThat(spec.env()).contains("GREETING=hello");
		assertThat(spec.cmd()).isEmpty();
		assertThat(spec.tty()).isTrue();
		assertThat(spec.stdin()).isTrue();
		assertThat(spec.stdinOnce()).isTrue();
		assertThat(dbg.labels()).containsEntry(RuntimeLabels.POD_UID, "uid-web")
			.containsEntry(RuntimeLabels.RESTART_COUNT, "0");
		assertThat(this.runtime.calls).contains("pull " + DEBUG_IMAGE);
		assertThat(this.api.placedEvents).contains("Pulling spec.ephemeralContainers{dbg} Pulling image \"debug:1\"");
		assertThat(this.api.placedEvents)
			.anySatisfy(e -> assertThat(e).startsWith("Pulled spec.ephemeralContainers{dbg} Successfully pulled"));
		assertThat(this.api.placedEvents).contains("Created spec.ephemeralContainers{dbg} Created container dbg",
				"Started spec.ephemeralContainers{dbg} Started container dbg");
		int calls = this.runtime.calls.size();
		int writes = this.api.statuses.size();
		sync(pod);
		assertThat(this.runtime.calls).hasSize(calls);
		assertThat(this.api.statuses).as("an unchanged status is not written again").hasSize(writes);
	}

	@Test
	void anExitedEphemeralContainerIsNeverStartedAgainWhateverTheRestartPolicy() {
		for (String policy : List.of("Always", "OnFailure", "Never")) {
			Pod pod = running(pod("p-" + policy.toLowerCase(), policy));
			addDebugger(pod, "dbg", null);
			sync(pod);
			exit("p-" + policy.toLowerCase(), "dbg", 1);
			for (int i = 0; i < 3; i++) {
				this.clock.advance(Duration.ofMinutes(6));
				sync(pod);
			}
			assertThat(instances(pod, "dbg")).as(policy).hasSize(1);
			ContainerStatus status = ephemeralStatus("dbg");
			assertThat(status.getState().getTerminated().getExitCode()).as(policy).isEqualTo(1);
			assertThat(status.getState().getTerminated().getReason()).isEqualTo("Error");
			assertThat(status.getRestartCount()).isZero();
			assertThat(status.getLastState().getTerminated()).isNull();
			assertThat(status.getLastState().getWaiting()).isNull();
			assertThat(this.api.lastStatus().getPhase()).as(policy).isEqualTo("Running");
		}
	}

	@Test
	void withATargetItJoinsTheTargetsPidNamespace() {
		Pod pod = running(pod("web", "Always"));
		addDebugger(pod, "dbg", "main");
		sync(pod);
		assertThat(this.runtime.specs.get(only("dbg").id()).pidNamespaceOf()).isEqualTo(current("main").id());
	}

	@Test
	void itIsNotHeldBackByInitContainersButWaitsForATargetThatDoesNotRunYet() {
		Pod pod = add(new PodBuilder(pod("init", "Always")).editSpec()
			.addNewInitContainer()
			.withName("setup")
			.withImage(IMAGE)
			.endInitContainer()
			.endSpec()
			.build());
		sync(pod);
		addDebugger(pod, "free", null);
		addDebugger(pod, "dbg", "main");
		sync(pod);
		assertThat(only("free").running()).isTrue();
		assertThat(instances(pod, "dbg")).isEmpty();
		ContainerStatus waiting = ephemeralStatus("dbg");
		assertThat(waiting.getState().getWaiting().getReason()).isEqualTo("CreateContainerConfigError");
		assertThat(waiting.getState().getWaiting().getMessage()).isEqualTo("unable to find target container main");
		assertThat(this.api.placedEvents)
			.contains("Failed spec.ephemeralContainers{dbg} Error: unable to find target container main");
		assertThat(this.api.lastStatus().getPhase()).isEqualTo("Pending");
		assertThat(this.api.lastStatus().getEphemeralContainerStatuses()).extracting(ContainerStatus::getName)
			.containsExactly("free", "dbg");

		exit("init", "setup", 0);
		sync(pod);
		assertThat(current("main").running()).isTrue();
		this.clock.advance(Duration.ofSeconds(2));
		sync(pod);
		assertThat(this.runtime.specs.get(only("dbg").id()).pidNamespaceOf()).isEqualTo(current("main").id());
		assertThat(ephemeralStatus("dbg").getState().getRunning()).isNotNull();
	}

	@Test
	void itsStatusIsReportedApartAndLeavesPhaseAndReadinessAlone() {
		Pod pod = running(pod("web", "Never"));
		PodStatus before = this.api.lastStatus();
		addDebugger(pod, "dbg", "main");
		sync(pod);
		PodStatus status = this.api.lastStatus();
		assertThat(status.getContainerStatuses()).isEqualTo(before.getContainerStatuses());
		assertThat(status.getConditions()).isEqualTo(before.getConditions());
		ContainerDetails dbg = only("dbg");
		ContainerStatus running = ephemeralStatus("dbg");
		assertThat(running.getImage()).isEqualTo(DEBUG_IMAGE);
		assertThat(running.getImageID()).isEqualTo("docker://sha256:image");
		assertThat(running.getContainerID()).isEqualTo("docker://" + dbg.id());
		assertThat(running.getState().getRunning()).isNotNull();
		assertThat(running.getReady()).isFalse();
		assertThat(running.getStarted()).isTrue();
		assertThat(running.getRestartCount()).isZero();

		// A debugger that fails does not fail a pod that never restarts.
		exit("web", "dbg", 2);
		sync(pod);
		assertThat(this.api.lastStatus().getPhase()).isEqualTo("Running");
		assertThat(condition("Ready")).isEqualTo("True");
		assertThat(condition("ContainersReady")).isEqualTo("True");
		assertThat(ephemeralStatus("dbg").getStarted()).isFalse();
		assertThat(this.api.lastStatus().getContainerStatuses()).extracting(ContainerStatus::getName)
			.containsExactly("main");
	}

	@Test
	void aRestartedAgentAdoptsTheEphemeralContainerInsteadOfStartingASecond() {
		Pod pod = running(pod("web", "Always"));
		addDebugger(pod, "dbg", "main");
		addDebugger(pod, "done", null);
		sync(pod);
		exit("web", "done", 0);
		this.syncer = newSyncer();
		// The status the restarted agent finds may be older than the engine.
		pod.setStatus(null);
		sync(pod);
		sync(pod);
		assertThat(instances(pod, "dbg")).hasSize(1);
		assertThat(instances(pod, "done")).hasSize(1);
		assertThat(only("dbg").running()).isTrue();
		assertThat(ephemeralStatus("done").getState().getTerminated().getExitCode()).isZero();
	}

	@Test
	void aNewSandboxDoesNotStartTheEphemeralContainerAgain() {
		Pod pod = running(pod("web", "Always"));
		addDebugger(pod, "dbg", null);
		sync(pod);
		this.runtime.exit(sandbox().id(), 0);
		sync(pod);
		sync(pod);
		assertThat(current("main").running()).isTrue();
		assertThat(current("main").labels()).containsEntry(RuntimeLabels.RESTART_COUNT, "1");
		assertThat(instances(pod, "dbg")).hasSize(1);
		assertThat(only("dbg").running()).as("stopped with the old sandbox").isFalse();
	}

	@Test
	void deletingThePodStopsAndRemovesItWithTheOthers() {
		Pod pod = running(pod("bye", "Always"));
		addDebugger(pod, "dbg", "main");
		sync(pod);
		pod.getMetadata().setDeletionTimestamp("2026-01-01T00:00:30Z");
		pod.getMetadata().setDeletionGracePeriodSeconds(3L);
		sync(pod);
		assertThat(this.runtime.calls).contains("stop k8s_dbg_bye_default_uid-bye_0 grace=3");
		assertThat(this.runtime.containers()).isEmpty();
		assertThat(this.api.deleted).containsExactly("bye");
	}

	@Test
	void itsLogIsFoundByName() throws Exception {
		Pod pod = running(pod("web", "Always"));
		addDebugger(pod, "dbg", null);
		sync(pod);
		ContainerLogs logs = new ContainerLogs((namespace, name) -> this.pods.get(Keys.of(namespace, name)),
				this.runtime, NODE);
		assertThat(logs.instance("default", "web", "dbg", false)).isEqualTo(only("dbg").id());
	}

	private Pod running(Pod pod) {
		add(pod);
		sync(pod);
		assertThat(this.api.lastStatus().getPhase()).isEqualTo("Running");
		return pod;
	}

	/** What the apiserver's ephemeralcontainers subresource does to the spec. */
	private void addDebugger(Pod pod, String name, String target) {
		pod.getSpec()
			.getEphemeralContainers()
			.add(new EphemeralContainerBuilder().withName(name)
				.withImage(DEBUG_IMAGE)
				.withImagePullPolicy("IfNotPresent")
				.withCommand("sh", "-c", "echo $(GREETING) there")
				.addNewEnv()
				.withName("GREETING")
				.withValue("hello")
				.endEnv()
				.withTty(true)
				.withStdin(true)
				.withStdinOnce(true)
				.withTargetContainerName(target)
				.build());
	}

	private Pod pod(String name, String restartPolicy) {
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.withUid("uid-" + name)
			.endMetadata()
			.withNewSpec()
			.withNodeName(NODE)
			.withRestartPolicy(restartPolicy)
			.addNewContainer()
			.withName("main")
			.withImage(IMAGE)
			.endContainer()
			.endSpec()
			.build();
	}

	private Pod add(Pod pod) {
		this.pods.put(Keys.of(pod), pod);
		return pod;
	}

	private void sync(Pod pod) {
		this.syncer.reconcile(Keys.of(pod));
		if (this.api.lastStatus() != null && this.pods.containsKey(Keys.of(pod))) {
			pod.setStatus(this.api.lastStatus());
		}
	}

	private void exit(String pod, String container, int code) {
		this.clock.advance(Duration.ofSeconds(1));
		this.runtime.containers()
			.stream()
			.filter(c -> ("uid-" + pod).equals(c.labels().get(RuntimeLabels.POD_UID))
					&& container.equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)) && c.running())
			.forEach(c -> this.runtime.exit(c.id(), code));
	}

	private List<ContainerDetails> instances(Pod pod, String container) {
		return this.runtime.containers()
			.stream()
			.filter(c -> pod.getMetadata().getUid().equals(c.labels().get(RuntimeLabels.POD_UID))
					&& container.equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)))
			.toList();
	}

	private ContainerDetails only(String container) {
		List<ContainerDetails> found = this.runtime.containers()
			.stream()
			.filter(c -> container.equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)))
			.toList();
		assertThat(found).hasSize(1);
		return found.get(0);
	}

	private ContainerDetails current(String container) {
		return this.runtime.containers()
			.stream()
			.filter(c -> container.equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)))
			.sorted(Observed.NEWEST_FIRST)
			.findFirst()
			.orElseThrow();
	}

	private ContainerDetails sandbox() {
		return current(RuntimeLabels.SANDBOX_CONTAINER_NAME);
	}

	private ContainerStatus ephemeralStatus(String name) {
		return this.api.lastStatus()
			.getEphemeralContainerStatuses()
			.stream()
			.filter(s -> name.equals(s.getName()))
			.findFirst()
			.orElseThrow();
	}

	private String condition(String type) {
		return this.api.lastStatus()
			.getConditions()
			.stream()
			.filter(c -> type.equals(c.getType()))
			.map(PodCondition::getStatus)
			.findFirst()
			.orElseThrow();
	}

}
