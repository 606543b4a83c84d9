package io.stevedore.nodeagent.pod;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Result;
import io.stevedore.nodeagent.eviction.Evictions;
import io.stevedore.nodeagent.pod.dns.DnsConfigurer;
import io.stevedore.nodeagent.pod.probe.ProbeManager;
import io.stevedore.nodeagent.pod.removal.EndpointRemovalGate;
import io.stevedore.nodeagent.pod.removal.FakeRoutingState;
import io.stevedore.nodeagent.pod.probe.Prober;
import io.stevedore.nodeagent.runtime.ContainerDetails;
import io.stevedore.nodeagent.runtime.FakeContainerRuntime;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pod sync against a fake engine and a fake clock: decisions without Docker. */
class PodSyncerTest {

	private static final String NODE = "node-a";

	private static final String IMAGE = "app:1";

	@TempDir
	Path root;

	private final FakeClock clock = new FakeClock();

	private final FakeContainerRuntime runtime = new FakeContainerRuntime(this.clock);

	private final Map<String, Pod> pods = new HashMap<>();

	private final RecordingPodApi api = new RecordingPodApi(this.pods);

	private final FakeRoutingState routing = new FakeRoutingState();

	private PodSyncer syncer;

	/** The node's pressure conditions, as the eviction manager would report them. */
	private final java.util.Set<String> pressure = new java.util.TreeSet<>();

	/** The pods the evictions asked to be synced. */
	private final List<String> synced = new ArrayList<>();

	private final Evictions evictions = new Evictions(() -> this.pressure, this.synced::add);

	@BeforeEach
	void setUp() {
		this.runtime.images.add(IMAGE);
		this.runtime.images.add("pause:1");
		this.runtime.refusesMissingImages = true;
		this.syncer = syncer(PodCgroups.NONE);
	}

	private PodSyncer syncer(PodCgroups cgroups) {
		BackOff crash = new BackOff(Duration.ofSeconds(10), Duration.ofMinutes(5), this.clock);
		BackOff image = new BackOff(Duration.ofSeconds(10), Duration.ofMinutes(5), this.clock);
		ProbeManager probes = new ProbeManager(new Prober(this.runtime), Executors.newSingleThreadScheduledExecutor(),
				key -> {
				});
		return new PodSyncer(this.pods::get, this.runtime, NODE, "192.168.1.10",
				new SandboxSettings("pause:1", List.of("sleep", "1000"), "pods"),
				new ImageManager(this.runtime, image, this.api, this.api), new EnvResolver(this.api),
				new VolumeManager(this.root, this.api), probes, crash, this.api, this.clock, Duration.ofMinutes(1),
				new DnsConfigurer(List.of("10.96.0.10"), "cluster.local", ""),
				new EndpointRemovalGate(this.routing, this.clock, d -> this.clock.advance(d), Duration.ofSeconds(10)),
				this.evictions, cgroups);
	}

	/** Records what the syncer asks of the pod cgroups, in order. */
	private static final class RecordingCgroups implements PodCgroups {

		final List<String> calls = new ArrayList<>();

		@Override
		public String ensure(Pod pod) {
			this.calls.add("ensure " + pod.getMetadata().getUid());
			return "/kubepods/pod" + pod.getMetadata().getUid();
		}

		@Override
		public void removed(String podUid) {
			this.calls.add("removed " + podUid);
		}

	}

	private RecordingCgroups withCgroups() {
		RecordingCgroups cgroups = new RecordingCgroups();
		this.syncer = syncer(cgroups);
		return cgroups;
	}

	@Test
	void everyContainerOfAPodAndItsSandboxRunUnderThePodCgroupMadeBeforeTheSandbox() {
		RecordingCgroups cgroups = withCgroups();
		Pod pod = add(pod("grouped", "Always"));
		sync(pod);
		assertThat(cgroups.calls).first().isEqualTo("ensure uid-grouped");
		assertThat(this.runtime.sandboxSpecs.values()).singleElement()
			.satisfies(spec -> assertThat(spec.cgroupParent()).isEqualTo("/kubepods/poduid-grouped"));
		assertThat(this.runtime.specs.values()).singleElement()
			.satisfies(spec -> assertThat(spec.cgroupParent()).isEqualTo("/kubepods/poduid-grouped"));
		assertThat(cgroups.calls).doesNotContain("removed uid-grouped");
	}

	@Test
	void aDeletedPodsCgroupGoesOnceItsContainersAreRemoved() {
		RecordingCgroups cgroups = withCgroups();
		Pod pod = add(pod("leaving", "Always"));
		sync(pod);
		pod.getMetadata().setDeletionTimestamp("2026-01-01T00:00:30Z");
		pod.getMetadata().setDeletionGracePeriodSeconds(1L);
		this.runtime.calls.clear();
		sync(pod);
		assertThat(this.runtime.containers()).isEmpty();
		assertThat(cgroups.calls).last().isEqualTo("removed uid-leaving");
	}

	@Test
	void anOrphanedPodsCgroupGoesWithItsContainers() {
		RecordingCgroups cgroups = withCgroups();
		Pod pod = add(pod("orphan", "Always"));
		sync(pod);
		this.pods.clear();
		sync(pod);
		assertThat(this.runtime.containers()).isEmpty();
		assertThat(cgroups.calls).last().isEqualTo("removed uid-orphan");
	}

	@Test
	void theKindLabelTellsInitSidecarAppAndEphemeralContainersApart() {
		Pod pod = new PodBuilder(pod("kinds", "Always")).editSpec()
			.addNewInitContainer()
			.withName("setup")
			.endInitContainer()
			.addNewInitContainer()
			.withName("proxy")
			.withRestartPolicy("Always")
			.endInitContainer()
			.addNewEphemeralContainer()
			.withName("debugger")
			.endEphemeralContainer()
			.endSpec()
			.build();
		assertThat(List.of("setup", "proxy", "main", "debugger")).map(name -> PodSyncer.kind(pod, name))
			.containsExactly("init", "sidecar", "app", "ephemeral");
	}

	@Test
	void anEvictedPodIsKilledAtOnceAndWrittenFailedWithTheReasonAndDisruptionTarget() {
		Pod pod = add(pod("hog", "Always"));
		sync(pod);
		String message = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. ";
		this.evictions.evict(pod, message, Duration.ofSeconds(1));
		assertThat(this.synced).containsExactly("default/hog");

		sync(pod);

		assertThat(this.runtime.containers()).hasSize(2).noneMatch(ContainerDetails::running);
		// The eviction's grace period for the app container, none for the sandbox.
		assertThat(this.runtime.calls).filteredOn(c -> c.startsWith("stop"))
			.hasSize(2)
			.anyMatch(c -> c.contains("_main_") && c.endsWith("grace=1"))
			.anyMatch(c -> c.endsWith("grace=0"));
		PodStatus status = this.api.lastStatus();
		assertThat(status.getPhase()).isEqualTo("Failed");
		assertThat(status.getReason()).isEqualTo("Evicted");
		assertThat(status.getMessage()).isEqualTo(message);
		assertThat(status.getConditions()).anySatisfy(c -> {
			assertThat(c.getType()).isEqualTo("DisruptionTarget");
			assertThat(c.getStatus()).isEqualTo("True");
			assertThat(c.getReason()).isEqualTo("TerminationByKubelet");
		}).anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=False"));
		assertThat(status.getContainerStatuses().get(0).getState().getTerminated()).isNotNull();
		assertThat(this.api.events).contains("Evicted " + message, "Killing Stopping container main");
		assertThat(this.evictions.evicted(pod)).isNull();

		// Failed for good: the next sync starts nothing.
		int created = this.runtime.specs.size();
		sync(pod);
		assertThat(this.runtime.specs).hasSize(created);
		assertThat(this.runtime.containers()).noneMatch(ContainerDetails::running);
	}

	@Test
	void aPodDeletedWhileChosenForEvictionIsTerminatedAndNoLongerChosen() {
		Pod pod = add(pod("going", "Always"));
		sync(pod);
		this.evictions.evict(pod, "low on memory", Duration.ofSeconds(1));
		pod.getMetadata().setDeletionTimestamp("2026-01-01T00:00:30Z");

		sync(pod);

		assertThat(this.api.deleted).containsExactly("going");
		assertThat(this.evictions.evicted(pod)).isNull();
	}

	@Test
	void underDiskPressureANewPodIsRefusedAndStartsNothing() {
		this.pressure.add("DiskPressure");
		Pod pod = add(pod("late", "Always"));
		sync(pod);

		assertThat(this.runtime.containers()).isEmpty();
		PodStatus status = this.api.lastStatus();
		assertThat(status.getPhase()).isEqualTo("Failed");
		assertThat(status.getReason()).isEqualTo("Evicted");
		assertThat(status.getMessage()).isEqualTo("Pod was rejected: The node had condition: [DiskPressure]. ");
		assertThat(status.getConditions()).noneMatch(c -> c.getType().equals("DisruptionTarget"));
		assertThat(this.api.events).containsExactly("Evicted The node had condition: [DiskPressure]. ");

		// A pod already running when the pressure came stays.
		this.pressure.clear();
		Pod running = add(pod("early", "Always"));
		sync(running);
		this.pressure.add("DiskPressure");
		sync(running);
		assertThat(this.api.lastStatus().getPhase()).isEqualTo("Running");
	}

	@Test
	void aNewPodGetsASandboxAndItsContainerLabelledWithPodAndNode() {
		Pod pod = add(pod("web", "Always"));
		sync(pod);
		List<ContainerDetails> containers = this.runtime.containers();
		assertThat(containers).hasSize(2);
		assertThat(containers).allSatisfy(c -> assertThat(c.labels()).containsEntry(RuntimeLabels.POD_UID, "uid-web")
			.containsEntry(RuntimeLabels.POD_NAMESPACE, "default")
			.containsEntry(RuntimeLabels.POD_NAME, "web")
			.containsEntry(RuntimeLabels.NODE, NODE)
			.containsKey(RuntimeLabels.CONTAINER_NAME));
		assertThat(containers).filteredOn(c -> "main".equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)))
			.singleElement()
			.satisfies(c -> assertThat(c.labels()).containsEntry(RuntimeLabels.CONTAINER_KIND, "app"));
		PodStatus status = this.api.lastStatus();
		assertThat(status.getPhase()).isEqualTo("Running");
		assertThat(status.getPodIP()).startsWith("10.88.0.");
		assertThat(status.getHostIP()).isEqualTo("192.168.1.10");
		assertThat(status.getContainerStatuses().get(0).getState().getRunning()).isNotNull();
	}

	@Test
	void everyContainerMountsThePodsResolvConfWithTheClusterDns() throws Exception {
		Pod pod = add(pod("dns", "Always"));
		sync(pod);
		var spec = this.runtime.specs.values().iterator().next();
		var mount = spec.mounts()
			.stream()
			.filter(m -> m.containerPath().equals("/etc/resolv.conf"))
			.findFirst()
			.orElseThrow();
		assertThat(java.nio.file.Files.readString(Path.of(mount.hostPath())))
			.isEqualTo("search default.svc.cluster.local svc.cluster.local cluster.local\n"
					+ "nameserver 10.96.0.10\noptions ndots:5\n");
	}

	@Test
	void aNewPodStartsWithOneListingAndItsStatusFromTheContainersItStarted() {
		Pod pod = add(pod("web", "Always"));
		sync(pod);
		// The status comes from inspecting what the sync created, not from a second
		// listing: one listing per sync.
		assertThat(this.runtime.listings).hasValue(1);
		assertThat(this.api.lastStatus().getPhase()).isEqualTo("Running");
		assertThat(this.api.lastStatus().getContainerStatuses().get(0).getContainerID())
			.isEqualTo("docker://" + this.runtime.containers()
				.stream()
				.filter(c -> "main".equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)))
				.findFirst()
				.orElseThrow()
				.id());
	}

	@Test
	void aContainerThatExitedIsSeenByTheNextSyncAndRestartedWithItsStatusWritten() {
		Pod pod = add(pod("web", "Always"));
		sync(pod);
		pod.setStatus(this.api.lastStatus());
		String first = this.runtime.containers()
			.stream()
			.filter(c -> "main".equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)))
			.findFirst()
			.orElseThrow()
			.id();
		this.runtime.exit(first, 1);
		sync(pod);
		// The restarted instance is inspected though the sync never listed it.
		assertThat(this.api.lastStatus().getContainerStatuses().get(0).getRestartCount()).isEqualTo(1);
		assertThat(this.api.lastStatus().getContainerStatuses().get(0).getState().getRunning()).isNotNull();
		assertThat(this.api.lastStatus().getContainerStatuses().get(0).getLastState().getTerminated().getExitCode())
			.isEqualTo(1);
	}

	@Test
	void imagesFoundPresentAreNotInspectedAgainForEachPod() {
		for (String name : List.of("a", "b", "c")) {
			sync(add(pod(name, "Always")));
		}
		// The sandbox image and the app image, once each for three pods.
		assertThat(this.runtime.imageInspects).hasValue(2);
		assertThat(this.runtime.containers()).hasSize(6);
	}

	@Test
	void anImageRemovedBehindTheAgentsBackFailsOneCreateThenIsLookedForAgain() {
		sync(add(pod("a", "Always")));
		this.runtime.images.remove(IMAGE);
		Pod pod = add(pod("b", "Always"));
		sync(pod);
		assertThat(waitingReason()).isEqualTo("CreateContainerError");
		assertThat(this.api.lastStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage())
			.contains("No such image: " + IMAGE);
		int inspects = this.runtime.imageInspects.get();
		this.clock.advance(Duration.ofSeconds(3));
		sync(pod);
		// Asked the engine again, found it missing and pulled it (IfNotPresent).
		assertThat(this.runtime.imageInspects.get()).isGreaterThan(inspects);
		assertThat(this.runtime.calls).contains("pull " + IMAGE);
		assertThat(this.api.lastStatus().getContainerStatuses().get(0).getState().getRunning()).isNotNull();
	}

	@Test
	void aSecondSyncOfAHealthyPodChangesNothingAndWritesNoStatus() {
		Pod pod = add(pod("web", "Always"));
		sync(pod);
		pod.setStatus(this.api.lastStatus());
		int calls = this.runtime.calls.size();
		int writes = this.api.statuses.size();
		sync(pod);
		assertThat(this.runtime.calls).hasSize(calls);
		assertThat(this.api.statuses).hasSize(writes);
	}

	@Test
	void anExitedContainerRestartsAtOnceThenWaitsInCrashLoopBackOff() {
		Pod pod = add(pod("crash", "Always"));
		sync(pod);
		exitMain(1);
		sync(pod);
		assertThat(current().labels()).containsEntry(RuntimeLabels.RESTART_COUNT, "1");
		exitMain(1);
		sync(pod);
		ContainerStatus status = this.api.lastStatus().getContainerStatuses().get(0);
		assertThat(status.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
		assertThat(status.getState().getWaiting().getMessage())
			.startsWith("back-off 10s restarting failed container=main");
		assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(1);
		assertThat(status.getRestartCount()).isEqualTo(1);
		String backOff = "BackOff Back-off restarting failed container main in pod crash_default(uid-crash)";
		assertThat(this.api.events).containsOnlyOnce(backOff);
		sync(pod);
		assertThat(this.api.events).as("once per 10 s, the kubelet's pace").containsOnlyOnce(backOff);
		this.clock.advance(Duration.ofSeconds(11));
		sync(pod);
		assertThat(current().labels()).containsEntry(RuntimeLabels.RESTART_COUNT, "2");
		assertThat(current().running()).isTrue();
	}

	@Test
	void restartPolicyDecidesWhetherAnExitedContainerRunsAgain() {
		record Case(String policy, int exitCode, boolean restarts, String phase) {
		}
		for (Case c : List.of(new Case("Always", 0, true, "Running"), new Case("OnFailure", 0, false, "Succeeded"),
				new Case("OnFailure", 2, true, "Running"), new Case("Never", 0, false, "Succeeded"),
				new Case("Never", 2, false, "Failed"))) {
			this.runtime.containers().forEach(x -> this.runtime.removeContainer(x.id()));
			// A pod of its own per case: back-off is remembered per pod uid.
			Pod pod = add(pod("p-" + c.policy.toLowerCase() + "-" + c.exitCode, c.policy));
			sync(pod);
			exitMain(c.exitCode);
			sync(pod);
			assertThat(current().running()).as(c.toString()).isEqualTo(c.restarts);
			assertThat(this.api.lastStatus().getPhase()).as(c.toString()).isEqualTo(c.phase);
		}
	}

	@Test
	void aMissingConfigMapKeyIsCreateContainerConfigErrorNamingTheKey() {
		Pod pod = add(new PodBuilder(pod("env", "Always")).editSpec()
			.editFirstContainer()
			.addNewEnv()
			.withName("MODE")
			.withNewValueFrom()
			.withNewConfigMapKeyRef("mode", "settings", false)
			.endValueFrom()
			.endEnv()
			.endContainer()
			.endSpec()
			.build());
		this.api.configMaps.put("default/settings",
				new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
					.withName("settings")
					.endMetadata()
					.addToData("other", "x")
					.build());
		sync(pod);
		var waiting = this.api.lastStatus().getContainerStatuses().get(0).getState().getWaiting();
		assertThat(waiting.getReason()).isEqualTo("CreateContainerConfigError");
		assertThat(waiting.getMessage()).isEqualTo("couldn't find key mode in ConfigMap default/settings");
		assertThat(this.api.lastStatus().getPhase()).isEqualTo("Pending");
	}

	@Test
	void anImageThatFailsToPullIsErrImagePullThenImagePullBackOffUntilItsBackOffEnds() {
		this.runtime.unpullable.add("missing:1");
		Pod pod = add(new PodBuilder(pod("img", "Always")).editSpec()
			.editFirstContainer()
			.withImage("missing:1")
			.endContainer()
			.endSpec()
			.build());
		Result failed = sync(pod);
		assertThat(waitingReason()).isEqualTo("ErrImagePull");
		assertThat(this.api.lastStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage())
			.contains("manifest for missing:1 not found");
		assertThat(this.api.events).contains("Failed Error: ErrImagePull").noneMatch((e) -> e.startsWith("BackOff"));
		assertThat(failed.requeueAfter()).as("soon, to show ImagePullBackOff").isEqualTo(Duration.ofSeconds(1));
		this.clock.advance(Duration.ofSeconds(1));
		Result waiting = sync(pod);
		assertThat(waitingReason()).isEqualTo("ImagePullBackOff");
		assertThat(this.api.events).containsSubsequence("BackOff Back-off pulling image \"missing:1\"",
				"Failed Error: ImagePullBackOff");
		assertThat(waiting.requeueAfter()).as("the rest of the first back-off, 10 s from the failed pull")
			.isEqualTo(Duration.ofSeconds(9));
		int recorded = this.api.events.size();
		this.clock.advance(Duration.ofSeconds(5));
		sync(pod);
		assertThat(waitingReason()).isEqualTo("ImagePullBackOff");
		assertThat(this.api.events).as("once per 10 s, the kubelet's pace").hasSize(recorded);
		assertThat(this.runtime.calls.stream().filter("pull missing:1"::equals)).hasSize(1);
		this.clock.advance(Duration.ofSeconds(4));
		sync(pod);
		assertThat(this.runtime.calls.stream().filter("pull missing:1"::equals)).hasSize(2);
		assertThat(waitingReason()).isEqualTo("ErrImagePull");
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(sync(pod).requeueAfter()).as("the back-off doubled: 20 s from the second failed pull")
			.isEqualTo(Duration.ofSeconds(19));
	}

	@Test
	void containersOfAPodThatIsGoneAreRemoved() {
		Pod pod = add(pod("gone", "Always"));
		sync(pod);
		this.pods.clear();
		sync(pod);
		assertThat(this.runtime.containers()).isEmpty();
	}

	@Test
	void aDeletedPodIsStoppedWithItsGracePeriodThenDeletedForGood() {
		Pod pod = add(pod("bye", "Always"));
		sync(pod);
		pod.getMetadata().setDeletionTimestamp("2026-01-01T00:00:30Z");
		pod.getMetadata().setDeletionGracePeriodSeconds(7L);
		sync(pod);
		assertThat(this.runtime.calls).contains("stop k8s_main_bye_default_uid-bye_0 grace=7");
		assertThat(this.runtime.containers()).isEmpty();
		assertThat(this.api.deleted).containsExactly("bye");
	}

	@Test
	void aDeletedPodStillRoutedGetsItsStopSignalOnlyAfterTheBoundWithAnEventAndTheRestOfItsGrace() {
		Pod pod = add(pod("routed", "Always"));
		sync(pod);
		this.routing.slice("web-1", 40, "uid-routed", "10.88.0.1", false);
		this.routing.proxy("n1", java.time.ZonedDateTime.now(this.clock).plusMinutes(5), 10, 12L);
		pod.getMetadata().setDeletionTimestamp("2026-01-01T00:00:30Z");
		pod.getMetadata().setDeletionGracePeriodSeconds(30L);
		var before = this.clock.instant();
		sync(pod);
		assertThat(Duration.between(before, this.clock.instant())).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
		assertThat(this.runtime.calls).contains("stop k8s_main_routed_default_uid-routed_0 grace=20");
		assertThat(this.api.events).anySatisfy(e -> assertThat(e).startsWith("EndpointRemovalTimeout Stopping "
				+ "containers after 10s although the pod may still receive traffic: proxies stevedore-proxy-n1 (at 12)"));
	}

	@Test
	void aFailingPostStartHookKillsTheContainerWithAnEvent() {
		this.runtime.execExitCode = 1;
		Pod pod = add(new PodBuilder(pod("hook", "Always")).editSpec()
			.editFirstContainer()
			.withNewLifecycle()
			.withNewPostStart()
			.withNewExec()
			.withCommand("/bin/setup")
			.endExec()
			.endPostStart()
			.endLifecycle()
			.endContainer()
			.endSpec()
			.build());
		sync(pod);
		assertThat(this.runtime.execs).containsExactly(List.of("/bin/setup"));
		assertThat(this.api.events).anySatisfy(e -> assertThat(e).startsWith("FailedPostStartHook"));
		assertThat(current().running()).isFalse();
	}

	@Test
	void aPreStopHookRunsBeforeTheContainerIsStopped() {
		Pod pod = add(new PodBuilder(pod("stop", "Always")).editSpec()
			.editFirstContainer()
			.withNewLifecycle()
			.withNewPreStop()
			.withNewExec()
			.withCommand("/bin/drain")
			.endExec()
			.endPreStop()
			.endLifecycle()
			.endContainer()
			.endSpec()
			.build());
		sync(pod);
		pod.getMetadata().setDeletionTimestamp("2026-01-01T00:00:30Z");
		pod.getMetadata().setDeletionGracePeriodSeconds(5L);
		sync(pod);
		assertThat(this.runtime.calls).containsSubsequence("exec /bin/drain",
				"stop k8s_main_stop_default_uid-stop_0 grace=5");
		assertThat(this.api.deleted).containsExactly("stop");
	}

	@Test
	void initContainersRunInOrderBeforeTheAppContainers() {
		Pod pod = add(withTwoInitContainers(pod("init", "Always")));
		sync(pod);
		assertThat(names()).containsExactly("POD", "first");
		assertThat(this.api.lastStatus().getPhase()).isEqualTo("Pending");
		exit("first", 0);
		sync(pod);
		assertThat(names()).containsExactly("POD", "first", "second");
		exit("second", 0);
		sync(pod);
		assertThat(names()).containsExactly("POD", "first", "second", "main");
	}

	@Test
	void theAppContainerIsCreatedWhileTheSandboxStartsAndStartedAfterIt() throws Exception {
		Pod pod = add(pod("early", "Always"));
		// The create arrives while the sandbox's start is held.
		List<String> meanwhile = syncHoldingTheSandboxStartUntil(pod, "create k8s_main_early_default_uid-early_0");
		assertThat(meanwhile).containsExactly("createSandbox k8s_POD_early_default_uid-early_0",
				"create k8s_main_early_default_uid-early_0");
		assertThat(calls()).containsExactly("createSandbox k8s_POD_early_default_uid-early_0",
				"create k8s_main_early_default_uid-early_0", "startSandbox k8s_POD_early_default_uid-early_0",
				"start k8s_main_early_default_uid-early_0");
		assertThat(this.api.lastStatus().getPhase()).isEqualTo("Running");
		assertThat(this.api.events).containsSubsequence(
				"Pulled Container image \"" + IMAGE + "\" already present on machine", "Created Created container main",
				"Started Started container main");
	}

	@Test
	void anImageMissingUnderPolicyNeverWaitsWithErrImageNeverPullAndSaysSo() {
		Pod pod = add(new PodBuilder(pod("never", "Always")).editSpec()
			.editFirstContainer()
			.withImage("missing.example/app:1")
			.withImagePullPolicy("Never")
			.endContainer()
			.endSpec()
			.build());
		sync(pod);
		assertThat(waitingReason()).isEqualTo("ErrImageNeverPull");
		assertThat(this.api.events).contains(
				"ErrImageNeverPull Container image \"missing.example/app:1\" is not present with pull policy of Never")
			.noneMatch((e) -> e.startsWith("Pulling") || e.startsWith("Pulled"));
		assertThat(calls()).noneMatch((c) -> c.startsWith("pull") || c.startsWith("create k8s_main"));
		assertThat(this.api.events).contains("Failed Error: ErrImageNeverPull");
		// The agent looks again every second; the kubelet's events come every 10 s.
		for (int second = 1; second <= 10; second++) {
			this.clock.advance(Duration.ofSeconds(1));
			sync(pod);
		}
		assertThat(this.api.events.stream().filter((e) -> e.startsWith("ErrImageNeverPull"))).hasSize(2);
		assertThat(this.api.events.stream().filter((e) -> e.equals("Failed Error: ErrImageNeverPull"))).hasSize(2);
	}

	@Test
	void aSandboxThatFailsToStartTakesTheContainersCreatedMeanwhileWithIt() throws Exception {
		Pod pod = add(pod("taken", "Always"));
		this.runtime.sandboxStartFailure = "port is already allocated";
		syncHoldingTheSandboxStartUntil(pod, "create k8s_main_taken_default_uid-taken_0");
		assertThat(calls()).containsExactly("createSandbox k8s_POD_taken_default_uid-taken_0",
				"create k8s_main_taken_default_uid-taken_0", "startSandbox failed k8s_POD_taken_default_uid-taken_0",
				"remove k8s_main_taken_default_uid-taken_0");
		assertThat(this.runtime.containers()).isEmpty();
		assertThat(this.api.events)
			.anyMatch(e -> e.startsWith("FailedCreatePodSandBox") && e.contains("port is already allocated"))
			.noneMatch(e -> e.startsWith("Created"));
		assertThat(waitingReason()).isEqualTo("ContainerCreating");
		this.runtime.sandboxStartFailure = null;
		this.clock.advance(Duration.ofSeconds(5));
		sync(pod);
		// Started over as a new pod: one sandbox, one container, the first attempt.
		assertThat(names()).containsExactly("POD", "main");
		assertThat(current().labels()).containsEntry(RuntimeLabels.RESTART_COUNT, "0");
		assertThat(this.api.lastStatus().getPhase()).isEqualTo("Running");
	}

	@Test
	void onlyTheFirstInitContainerIsCreatedWhileTheSandboxStarts() throws Exception {
		Pod pod = add(withTwoInitContainers(pod("inits", "Always")));
		syncHoldingTheSandboxStartUntil(pod, "create k8s_first_inits_default_uid-inits_0");
		assertThat(calls()).containsExactly("createSandbox k8s_POD_inits_default_uid-inits_0",
				"create k8s_first_inits_default_uid-inits_0", "startSandbox k8s_POD_inits_default_uid-inits_0",
				"start k8s_first_inits_default_uid-inits_0");
		assertThat(this.api.lastStatus().getPhase()).isEqualTo("Pending");
	}

	@Test
	void aContainerWhoseEnvironmentTakesThePodIpIsCreatedOnceTheSandboxRuns() {
		Pod pod = add(new PodBuilder(pod("ip", "Always")).editSpec()
			.editFirstContainer()
			.addNewEnv()
			.withName("MY_IP")
			.withNewValueFrom()
			.withNewFieldRef()
			.withFieldPath("status.podIP")
			.endFieldRef()
			.endValueFrom()
			.endEnv()
			.endContainer()
			.endSpec()
			.build());
		sync(pod);
		assertThat(calls()).containsExactly("createSandbox k8s_POD_ip_default_uid-ip_0",
				"startSandbox k8s_POD_ip_default_uid-ip_0", "create k8s_main_ip_default_uid-ip_0",
				"start k8s_main_ip_default_uid-ip_0");
		assertThat(this.runtime.specs.values().iterator().next().env())
			.contains("MY_IP=" + this.api.lastStatus().getPodIP());
	}

	@Test
	void anImagePulledAtEveryStartIsPulledOnceTheSandboxRuns() {
		Pod pod = add(new PodBuilder(pod("always", "Always")).editSpec()
			.editFirstContainer()
			.withImagePullPolicy("Always")
			.endContainer()
			.endSpec()
			.build());
		sync(pod);
		assertThat(calls()).containsExactly("createSandbox k8s_POD_always_default_uid-always_0",
				"startSandbox k8s_POD_always_default_uid-always_0", "pull " + IMAGE,
				"create k8s_main_always_default_uid-always_0", "start k8s_main_always_default_uid-always_0");
	}

	@Test
	void aReplacedSandboxIsStartedBeforeTheRestartedContainersAreCreated() {
		Pod pod = add(pod("changed", "Always"));
		sync(pod);
		String sandbox = this.runtime.containers()
			.stream()
			.filter(c -> "POD".equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)))
			.findFirst()
			.orElseThrow()
			.id();
		this.clock.advance(Duration.ofSeconds(1));
		this.runtime.exit(sandbox, 137);
		int before = calls().size();
		sync(pod);
		// The stopped container restarts on the next sync.
		sync(pod);
		// The restart path is the kubelet's order, unchanged: no container is created
		// before its new sandbox runs.
		assertThat(calls().subList(before, calls().size())).containsSubsequence(
				"createSandbox k8s_POD_changed_default_uid-changed_1",
				"startSandbox k8s_POD_changed_default_uid-changed_1", "create k8s_main_changed_default_uid-changed_1");
		assertThat(this.api.events).contains("SandboxChanged Pod sandbox changed, it will be killed and re-created.");
		assertThat(this.api.lastStatus().getPhase()).isEqualTo("Running");
	}

	/**
	 * Syncs the pod with its sandbox's start held until the engine got {@code call}.
	 * @return the engine's calls while the start was held
	 */
	private List<String> syncHoldingTheSandboxStartUntil(Pod pod, String call) throws InterruptedException {
		CountDownLatch gate = new CountDownLatch(1);
		this.runtime.sandboxStartGate = gate;
		Thread sync = Thread.ofVirtual().start(() -> sync(pod));
		await().atMost(Duration.ofSeconds(5)).until(() -> calls().contains(call));
		List<String> meanwhile = calls();
		gate.countDown();
		assertThat(sync.join(Duration.ofSeconds(5))).isTrue();
		this.runtime.sandboxStartGate = null;
		return meanwhile;
	}

	private List<String> calls() {
		synchronized (this.runtime) {
			return new ArrayList<>(this.runtime.calls);
		}
	}

	/** The pod with init containers "first" and "second" before its app container. */
	private static Pod withTwoInitContainers(Pod pod) {
		return new PodBuilder(pod).editSpec()
			.addNewInitContainer()
			.withName("first")
			.withImage(IMAGE)
			.endInitContainer()
			.addNewInitContainer()
			.withName("second")
			.withImage(IMAGE)
			.endInitContainer()
			.endSpec()
			.build();
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

	private Result sync(Pod pod) {
		Result result = this.syncer.reconcile(Keys.of(pod));
		if (this.api.lastStatus() != null && this.pods.containsKey(Keys.of(pod))) {
			pod.setStatus(this.api.lastStatus());
		}
		return result;
	}

	private void exitMain(int code) {
		exit("main", code);
	}

	private void exit(String container, int code) {
		this.clock.advance(Duration.ofSeconds(1));
		this.runtime.containers()
			.stream()
			.filter(c -> container.equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)) && c.running())
			.forEach(c -> this.runtime.exit(c.id(), code));
	}

	private ContainerDetails current() {
		return this.runtime.containers()
			.stream()
			.filter(c -> "main".equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)))
			.sorted(Observed.NEWEST_FIRST)
			.findFirst()
			.orElseThrow();
	}

	private List<String> names() {
		return this.runtime.containers().stream().map(c -> c.labels().get(RuntimeLabels.CONTAINER_NAME)).toList();
	}

	private String waitingReason() {
		return this.api.lastStatus().getContainerStatuses().get(0).getState().getWaiting().getReason();
	}

}
