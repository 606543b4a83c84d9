package io.stevedore.nodeagent.pod;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent against the real apiserver and the real Docker engine: pods bound to its node
 * run, report their status, restart, fail to pull, go away on delete, and survive an
 * agent restart without a container restart.
 */
class PodLifecycleIT {

	private static final String NODE = "it-node-1";

	/** cgroup v1 as Docker's cgroupfs driver uses it on this machine. */
	private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

	/** The agent's pods cgroup, one per node by default. */
	private static final String NODE_CGROUP = "/stevedore/" + NODE + "/kubepods";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static ConfigurableApplicationContext agent;

	static KubernetesClient client;

	@BeforeAll
	static void start() {
		cluster = TestCluster.start(dir);
		agent = cluster.startNode(NODE);
		client = cluster.client();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void theNodeRegistersReadyWithDockerAsItsRuntimeAndHeartbeatsItsLease() {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			var node = client.nodes().withName(NODE).get();
			assertThat(node).isNotNull();
			assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion()).startsWith("docker://");
			assertThat(node.getStatus().getCapacity()).containsKeys("cpu", "memory", "pods", "ephemeral-storage");
			assertThat(node.getStatus().getConditions())
				.anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
			assertThat(node.getStatus().getImages())
				.anySatisfy(i -> assertThat(i.getNames()).contains(TestImages.BUSYBOX));
		});
		var first = client.leases().inNamespace("kube-node-lease").withName(NODE).get().getSpec().getRenewTime();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(
					client.leases().inNamespace("kube-node-lease").withName(NODE).get().getSpec().getRenewTime())
				.isAfter(first));
	}

	@Test
	void aPodRunsAndReportsRunningWithAPodIp() {
		client.pods().resource(TestPods.sleeper("runs", NODE)).create();
		Pod pod = awaitPod("runs", p -> "Running".equals(p.getStatus().getPhase()) && ready(p));
		assertThat(pod.getStatus().getPodIP()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
		assertThat(pod.getStatus().getHostIP()).isEqualTo("127.0.0.1");
		ContainerStatus main = pod.getStatus().getContainerStatuses().get(0);
		assertThat(main.getState().getRunning()).isNotNull();
		assertThat(main.getContainerID()).startsWith("docker://");
		assertThat(main.getRestartCount()).isZero();
		assertThat(Docker.containerIds(RuntimeLabels.POD_UID, pod.getMetadata().getUid())).hasSize(2);
		// What kubectl describe shows, in the kubelet's words (the order is
		// PodSyncerTest's: events of one second are listed in any order).
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(client.v1()
				.events()
				.inNamespace("default")
				.list()
				.getItems()
				.stream()
				.filter((e) -> "runs".equals(e.getInvolvedObject().getName()))
				.map((e) -> e.getReason() + " " + e.getMessage()))
				.contains("Pulled Container image \"" + main.getImage() + "\" already present on machine",
						"Created Created container " + main.getName(), "Started Started container " + main.getName()));
	}

	@Test
	void twoContainersOfAPodShareLocalhostAndThePodIpServesFromTheNode() throws Exception {
		Pod pod = new PodBuilder(
				TestPods.shell("web", NODE, "echo hello > /tmp/index.html; httpd -f -p 8080 -h /tmp").build())
			.editSpec()
			.addNewContainer()
			.withName("client")
			.withImage(TestImages.BUSYBOX)
			.withCommand("sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait")
			.withNewReadinessProbe()
			.withNewExec()
			.withCommand("wget", "-q", "-O", "/dev/null", "http://localhost:8080/")
			.endExec()
			.withPeriodSeconds(1)
			.endReadinessProbe()
			.endContainer()
			.endSpec()
			.build();
		client.pods().resource(pod).create();
		Pod running = awaitPod("web", p -> ready(p));
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://" + running.getStatus().getPodIP() + ":8080/")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.body()).isEqualTo("hello\n");
	}

	@Test
	void aContainerSeesItsConfigMapAsEnvAndFilesAndServiceVariables() {
		client.configMaps()
			.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
				.withName("settings")
				.withNamespace("default")
				.endMetadata()
				.addToData("mode", "fast")
				.build())
			.create();
		var redis = client.services()
			.resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata()
				.withName("redis")
				.withNamespace("default")
				.endMetadata()
				.withNewSpec()
				.addNewPort()
				.withPort(6379)
				.endPort()
				.endSpec()
				.build())
			.create();
		String ip = redis.getSpec().getClusterIP();
		Pod pod = new PodBuilder(TestPods.sleeper("configured", NODE)).editSpec()
			.addNewVolume()
			.withName("cfg")
			.withNewConfigMap()
			.withName("settings")
			.endConfigMap()
			.endVolume()
			.editFirstContainer()
			.addNewEnv()
			.withName("MODE")
			.withNewValueFrom()
			.withNewConfigMapKeyRef("mode", "settings", false)
			.endValueFrom()
			.endEnv()
			.addNewVolumeMount()
			.withName("cfg")
			.withMountPath("/etc/cfg")
			.endVolumeMount()
			.withNewReadinessProbe()
			.withNewExec()
			.withCommand("sh", "-c",
					"test \"$MODE\" = fast && test \"$(cat /etc/cfg/mode)\" = fast && test \"$REDIS_SERVICE_HOST\" = "
							+ ip)
			.endExec()
			.withPeriodSeconds(1)
			.endReadinessProbe()
			.endContainer()
			.endSpec()
			.build();
		client.pods().resource(pod).create();
		awaitPod("configured", p -> ready(p));
	}

	@Test
	void aContainerThatExitsIsRestartedWithBackOffAndCounted() {
		client.pods().resource(TestPods.shell("crash", NODE, "echo boom; exit 3").build()).create();
		Pod pod = awaitPod("crash", p -> {
			ContainerStatus status = p.getStatus().getContainerStatuses().get(0);
			return status.getRestartCount() >= 2 && status.getState().getWaiting() != null
					&& "CrashLoopBackOff".equals(status.getState().getWaiting().getReason());
		});
		ContainerStatus status = pod.getStatus().getContainerStatuses().get(0);
		assertThat(status.getState().getWaiting().getMessage()).contains("back-off").contains("container=main");
		assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(3);
		assertThat(status.getLastState().getTerminated().getReason()).isEqualTo("Error");
		assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
		// What `kubectl describe pod` shows of a crash loop, in the kubelet's words.
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(TestPods.events(client, pod)).anySatisfy(e -> {
				assertThat(e.getType()).isEqualTo("Warning");
				assertThat(e.getReason()).isEqualTo("BackOff");
				assertThat(e.getMessage()).isEqualTo("Back-off restarting failed container main in pod crash_default("
						+ pod.getMetadata().getUid() + ")");
				assertThat(e.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{main}");
			}));
	}

	@Test
	void theContainerGarbageCollectorKeepsTheCurrentAndOneOldInstanceOfACrashingContainer() {
		try (ConfigurableApplicationContext collecting = cluster.startNode("it-gc",
				"--stevedore.node.container-gc.period=1s")) {
			client.pods().resource(TestPods.shell("crashing", "it-gc", "echo boom; exit 3").build()).create();
			Pod pod = awaitPod("crashing", p -> p.getStatus().getContainerStatuses().get(0).getRestartCount() >= 3);
			String uid = pod.getMetadata().getUid();
			// Sandbox + current + one old instance, whatever the restarts so far.
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(Docker.containerIds(RuntimeLabels.POD_UID, uid)).hasSize(3));
			Pod later = awaitPod("crashing", p -> p.getStatus().getContainerStatuses().get(0).getRestartCount() >= 3);
			assertThat(later.getStatus().getContainerStatuses().get(0).getLastState().getTerminated().getExitCode())
				.isEqualTo(3);
			client.pods().resource(pod).withGracePeriod(0).delete();
		}
	}

	@Test
	void aFailingLivenessProbeRestartsTheContainerAndAFailingReadinessProbeKeepsThePodUnreadyBothSaidAsKubernetesSaysThem() {
		client.pods()
			.resource(TestPods.shell("unwell", NODE, "trap 'exit 0' TERM; sleep 100000 & wait")
				.editSpec()
				.editFirstContainer()
				.withNewLivenessProbe()
				.withNewExec()
				.withCommand("cat", "/tmp/alive")
				.endExec()
				.withPeriodSeconds(1)
				.withFailureThreshold(2)
				.endLivenessProbe()
				.withNewReadinessProbe()
				.withNewTcpSocket()
				.withPort(new io.fabric8.kubernetes.api.model.IntOrString(8080))
				.endTcpSocket()
				.withPeriodSeconds(1)
				.endReadinessProbe()
				.endContainer()
				.endSpec()
				.build())
			.create();

		Pod pod = awaitPod("unwell", p -> p.getStatus().getContainerStatuses().get(0).getRestartCount() >= 1);
		assertThat(TestPods.ready(pod)).isFalse();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			List<Event> events = TestPods.events(client, pod);
			assertThat(events).anySatisfy(e -> {
				assertThat(e.getReason()).isEqualTo("Killing");
				assertThat(e.getMessage()).isEqualTo("Container main failed liveness probe, will be restarted");
			});
			// One event counted, not one per failed run.
			assertThat(events)
				.filteredOn(
						e -> "Unhealthy".equals(e.getReason()) && e.getMessage().startsWith("Liveness probe failed: "))
				.singleElement()
				.satisfies(e -> {
					assertThat(e.getType()).isEqualTo("Warning");
					assertThat(e.getMessage())
						.isEqualTo("Liveness probe failed: cat: can't open '/tmp/alive': No such file or directory");
					assertThat(e.getCount()).isGreaterThanOrEqualTo(2);
					assertThat(e.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{main}");
				});
			assertThat(events).anySatisfy(e -> assertThat(e.getMessage())
				.matches("Readiness probe failed: dial tcp [0-9.]+:8080: connect: connection refused"));
		});
	}

	@Test
	void aPodWithRestartPolicyNeverThatExitsZeroSucceeds() {
		Pod pod = new PodBuilder(TestPods.shell("done", NODE, "exit 0").build()).editSpec()
			.withRestartPolicy("Never")
			.endSpec()
			.build();
		client.pods().resource(pod).create();
		Pod finished = awaitPod("done", p -> "Succeeded".equals(p.getStatus().getPhase()));
		assertThat(finished.getStatus().getContainerStatuses().get(0).getState().getTerminated().getReason())
			.isEqualTo("Completed");
	}

	@Test
	void anImageThatCannotBePulledGivesErrImagePullThenImagePullBackOff() {
		Pod pod = new PodBuilder(TestPods.sleeper("nopull", NODE)).editSpec()
			.editFirstContainer()
			.withImage("127.0.0.1:1/missing:1")
			.endContainer()
			.endSpec()
			.build();
		client.pods().resource(pod).create();
		Pod waiting = awaitPod("nopull", p -> {
			var state = p.getStatus().getContainerStatuses() == null ? null
					: p.getStatus().getContainerStatuses().get(0).getState().getWaiting();
			return state != null && List.of("ErrImagePull", "ImagePullBackOff").contains(state.getReason());
		});
		assertThat(waiting.getStatus().getPhase()).isEqualTo("Pending");
		awaitPod("nopull", p -> "ImagePullBackOff"
			.equals(p.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason()));
		// The kubelet's sequence: the pull fails, the start says why, then the back-off.
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			List<String> events = TestPods.events(client, waiting)
				.stream()
				.map(e -> e.getType() + " " + e.getReason() + " " + e.getMessage())
				.toList();
			assertThat(events)
				.anyMatch(e -> e.startsWith("Warning Failed Failed to pull image \"127.0.0.1:1/missing:1\": "))
				.contains("Warning Failed Error: ErrImagePull",
						"Normal BackOff Back-off pulling image \"127.0.0.1:1/missing:1\"",
						"Warning Failed Error: ImagePullBackOff");
		});
	}

	@Test
	void deletingAPodStopsAndRemovesItsContainersThenTheApiObject() {
		client.pods().resource(TestPods.sleeper("bye", NODE)).create();
		Pod pod = awaitPod("bye", p -> "Running".equals(p.getStatus().getPhase()));
		String uid = pod.getMetadata().getUid();
		assertThat(Docker.containerIds(RuntimeLabels.POD_UID, uid)).isNotEmpty();
		client.pods().inNamespace("default").withName("bye").delete();
		Pod deleting = client.pods().inNamespace("default").withName("bye").get();
		assertThat(deleting).as("a running pod is deleted gracefully, by its node").isNotNull();
		assertThat(deleting.getMetadata().getDeletionTimestamp()).isNotNull();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(client.pods().inNamespace("default").withName("bye").get()).isNull());
		assertThat(Docker.containerIds(RuntimeLabels.POD_UID, uid)).isEmpty();
	}

	@Test
	void twoAgentsShareTheEngineAndEachManagesOnlyItsOwnNodesContainers() {
		try (ConfigurableApplicationContext second = cluster.startNode("it-node-2")) {
			client.pods().resource(TestPods.sleeper("on-two", "it-node-2")).create();
			client.pods().resource(TestPods.sleeper("on-one", NODE)).create();
			Pod onTwo = awaitPod("on-two", p -> "Running".equals(p.getStatus().getPhase()));
			Pod onOne = awaitPod("on-one", p -> "Running".equals(p.getStatus().getPhase()));
			assertThat(Docker.containerIds(RuntimeLabels.NODE, "it-node-2"))
				.containsAll(Docker.containerIds(RuntimeLabels.POD_UID, onTwo.getMetadata().getUid()));
			assertThat(Docker.containerIds(RuntimeLabels.NODE, NODE))
				.doesNotContainAnyElementsOf(Docker.containerIds(RuntimeLabels.POD_UID, onTwo.getMetadata().getUid()));
			// Several relists later, neither agent has touched the other's pod.
			await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				for (Pod pod : List.of(onOne, onTwo)) {
					Pod now = client.pods().inNamespace("default").withName(pod.getMetadata().getName()).get();
					assertThat(now.getStatus().getContainerStatuses().get(0).getContainerID())
						.isEqualTo(pod.getStatus().getContainerStatuses().get(0).getContainerID());
					assertThat(now.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
				}
			});
		}
	}

	@Test
	void aThresholdTheRealDiskMeetsIsDiskPressureWithTheKubeletsEvents() {
		// Any file system with data has less than 100 % available: the real nodefs
		// signal meets it. Images stay: none has been seen for a day.
		try (ConfigurableApplicationContext pressed = cluster.startNode("it-pressed",
				"--stevedore.node.eviction-hard=nodefs.available<100%,memory.available<1Ki",
				"--stevedore.node.image-gc.minimum-age=24h")) {
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				var node = client.nodes().withName("it-pressed").get();
				assertThat(node).isNotNull();
				assertThat(node.getStatus().getConditions())
					.extracting(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason())
					.contains("DiskPressure=True KubeletHasDiskPressure",
							"MemoryPressure=False KubeletHasSufficientMemory", "Ready=True KubeletReady");
				assertThat(client.v1()
					.events()
					.inAnyNamespace()
					.withField("involvedObject.name", "it-pressed")
					.list()
					.getItems()
					.stream()
					.map(e -> e.getReason() + " " + e.getMessage()))
					.contains("EvictionThresholdMet Attempting to reclaim ephemeral-storage",
							"NodeHasDiskPressure Node it-pressed status is now: NodeHasDiskPressure");
			});
			assertThat(Docker.tryRun("image", "inspect", TestImages.BUSYBOX).exitCode()).isZero();
		}
	}

	@Test
	void aPodInItsGracePeriodStaysWhileItsNodeWritesItsStatus() {
		// Bound to a node without an agent: only this test writes to it.
		Pod pod = new PodBuilder(TestPods.sleeper("grace", "no-agent-node")).editSpec()
			.withTerminationGracePeriodSeconds(30L)
			.endSpec()
			.build();
		client.pods().resource(pod).create();
		client.pods().inNamespace("default").withName("grace").delete();
		Pod deleting = client.pods().inNamespace("default").withName("grace").get();
		deleting.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").build());
		client.pods().inNamespace("default").resource(deleting).updateStatus();
		assertThat(client.pods().inNamespace("default").withName("grace").get()).isNotNull();
		client.pods().inNamespace("default").withName("grace").withGracePeriod(0).delete();
		assertThat(client.pods().inNamespace("default").withName("grace").get()).isNull();
	}

	@Test
	void aRestartedAgentAdoptsRunningContainersWithoutRestartingThem() throws Exception {
		client.pods().resource(TestPods.sleeper("adopted", NODE)).create();
		Pod before = awaitPod("adopted", p -> "Running".equals(p.getStatus().getPhase()) && ready(p));
		List<String> idsBefore = Docker.containerIds(RuntimeLabels.POD_UID, before.getMetadata().getUid());
		agent.close();
		// A pod deleted while its node's agent was down leaves its pod cgroup behind.
		Path orphan = CGROUPS.resolve("memory" + NODE_CGROUP + "/besteffort/pod0rphan-0000");
		Files.createDirectories(orphan);
		agent = cluster.startNode(NODE);
		// Give the new agent time to list, relist and sync everything.
		await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			Pod after = client.pods().inNamespace("default").withName("adopted").get();
			assertThat(after.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
			assertThat(after.getStatus().getContainerStatuses().get(0).getContainerID())
				.isEqualTo(before.getStatus().getContainerStatuses().get(0).getContainerID());
		});
		assertThat(Docker.containerIds(RuntimeLabels.POD_UID, before.getMetadata().getUid()))
			.containsExactlyInAnyOrderElementsOf(idsBefore);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(orphan).as("an orphaned pod cgroup, removed by the new agent").doesNotExist());
		assertThat(CGROUPS.resolve("memory" + NODE_CGROUP + "/besteffort/pod" + before.getMetadata().getUid()))
			.as("the adopted pod's cgroup")
			.isDirectory();
	}

	@Test
	void eachPodRunsInItsOwnCgroupUnderTheNodesQosCgroupsUntilItIsDeleted() throws Exception {
		Map<String, Quantity> fixed = Map.of("cpu", new Quantity("100m"), "memory", new Quantity("32Mi"));
		Pod guaranteed = TestPods.running(client,
				new PodBuilder(TestPods.sleeper("cg-guaranteed", NODE)).editSpec()
					.editFirstContainer()
					.withNewResources()
					.withRequests(fixed)
					.withLimits(fixed)
					.endResources()
					.endContainer()
					.addNewContainer()
					.withName("second")
					.withImage(TestImages.BUSYBOX)
					.withCommand("sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait")
					.withNewResources()
					.withRequests(fixed)
					.withLimits(fixed)
					.endResources()
					.endContainer()
					.endSpec());
		Pod burstable = TestPods.running(client,
				new PodBuilder(TestPods.sleeper("cg-burstable", NODE)).editSpec()
					.editFirstContainer()
					.withNewResources()
					.addToRequests("cpu", new Quantity("50m"))
					.endResources()
					.endContainer()
					.endSpec());
		String guaranteedCgroup = NODE_CGROUP + "/pod" + guaranteed.getMetadata().getUid();
		String burstableCgroup = NODE_CGROUP + "/burstable/pod" + burstable.getMetadata().getUid();

		// sandbox and app containers alike, as Docker and the kernel see them
		assertContainersIn(guaranteed, guaranteedCgroup, 3);
		assertContainersIn(burstable, burstableCgroup, 2);
		assertThat(cgroupFile("memory", guaranteedCgroup, "memory.limit_in_bytes"))
			.isEqualTo(Long.toString(64L * 1024 * 1024));
		assertThat(cgroupFile("cpu", guaranteedCgroup, "cpu.cfs_quota_us")).isEqualTo("20000");
		// every other pod of this class is BestEffort: Burstable weighs its one pod's 50m
		assertThat(cgroupFile("cpu", NODE_CGROUP + "/burstable", "cpu.shares")).isEqualTo("51");
		assertThat(cgroupFile("cpu", NODE_CGROUP + "/besteffort", "cpu.shares")).isEqualTo("2");
		long capacity = Quantity
			.getAmountInBytes(client.nodes().withName(NODE).get().getStatus().getCapacity().get("memory"))
			.longValue();
		assertThat(Long.parseLong(cgroupFile("memory", NODE_CGROUP, "memory.limit_in_bytes")))
			.as("the pods together are limited to Node Allocatable")
			.isBetween(capacity - 8192, capacity);
		assertThat(client.v1()
			.events()
			.inAnyNamespace()
			.withField("involvedObject.name", NODE)
			.list()
			.getItems()
			.stream()
			.map(e -> e.getType() + " " + e.getReason() + " " + e.getMessage()))
			.contains("Normal NodeAllocatableEnforced Updated Node Allocatable limit across pods");

		client.pods().resource(guaranteed).delete();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(client.pods().inNamespace("default").withName("cg-guaranteed").get()).isNull();
			assertThat(CGROUPS.resolve("memory" + guaranteedCgroup)).doesNotExist();
			assertThat(CGROUPS.resolve("cpu" + guaranteedCgroup)).doesNotExist();
		});
		assertThat(CGROUPS.resolve("memory" + burstableCgroup)).isDirectory();
	}

	/**
	 * Each container of the pod has the pod's cgroup as its parent in Docker, and its
	 * process is in {@code <pod cgroup>/<container id>} in the kernel's memory tree.
	 */
	private static void assertContainersIn(Pod pod, String cgroup, int containers) throws Exception {
		List<String> ids = Docker.containerIds(RuntimeLabels.POD_UID, pod.getMetadata().getUid());
		assertThat(ids).hasSize(containers);
		for (String id : ids) {
			String[] inspected = Docker.run("inspect", "-f", "{{.HostConfig.CgroupParent}}|{{.State.Pid}}|{{.Id}}", id)
				.strip()
				.split("\\|", -1);
			assertThat(inspected[0]).isEqualTo(cgroup);
			assertThat(Files.readAllLines(Path.of("/proc", inspected[1], "cgroup")))
				.anySatisfy(line -> assertThat(line).matches("\\d+:memory:" + cgroup + "/" + inspected[2]));
		}
	}

	private static String cgroupFile(String controller, String cgroup, String file) throws Exception {
		return Files.readAllLines(CGROUPS.resolve(controller + cgroup).resolve(file)).get(0).strip();
	}

	private static boolean ready(Pod pod) {
		return TestPods.ready(pod);
	}

	private static Pod awaitPod(String name, java.util.function.Predicate<Pod> condition) {
		return TestPods.await(client, name, condition);
	}

}
