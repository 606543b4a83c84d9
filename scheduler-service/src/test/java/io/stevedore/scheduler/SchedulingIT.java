package io.stevedore.scheduler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.scheduler.support.ControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static io.stevedore.scheduler.testing.TestObjects.taint;
import static io.stevedore.scheduler.testing.TestObjects.toleration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler against the real apiserver. Each test uses its own namespace and nodes
 * labelled for it, selected by a nodeSelector, so the tests do not see each other's
 * nodes.
 */
class SchedulingIT {

	@TempDir
	static Path dataDir;

	static ControlPlane plane;

	static KubernetesClient client;

	@BeforeAll
	static void start() {
		plane = ControlPlane.start(dataDir);
		plane.startScheduler("it-scheduler");
		client = plane.client();
	}

	@AfterAll
	static void stop() {
		client.close();
		plane.close();
	}

	private static void namespace(String name) {
		client.namespaces()
			.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
				.withName(name)
				.endMetadata()
				.build())
			.create();
	}

	private static NodeBuilder testNode(String test, String name, String cpu) {
		return node(name, cpu, "8Gi").editMetadata().addToLabels("test", test).endMetadata();
	}

	private static Pod create(String namespace, Pod pod) {
		pod.getMetadata().setNamespace(namespace);
		pod.getMetadata().setUid(null);
		return client.pods().inNamespace(namespace).resource(pod).create();
	}

	private static Pod get(String namespace, String name) {
		return client.pods().inNamespace(namespace).withName(name).get();
	}

	private static String nodeOf(String namespace, String name) {
		Pod pod = get(namespace, name);
		return pod == null ? null : pod.getSpec().getNodeName();
	}

	private static PodCondition scheduledCondition(String namespace, String name) {
		Pod pod = get(namespace, name);
		if (pod == null || pod.getStatus() == null || pod.getStatus().getConditions() == null) {
			return null;
		}
		return pod.getStatus()
			.getConditions()
			.stream()
			.filter((c) -> "PodScheduled".equals(c.getType()))
			.findFirst()
			.orElse(null);
	}

	private static List<Event> events(String namespace, String pod, String reason) {
		return client.v1()
			.events()
			.inNamespace(namespace)
			.list()
			.getItems()
			.stream()
			.filter((e) -> pod.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
			.toList();
	}

	@Test
	void aPodStaysPendingWithKubernetesWordingUntilANodeWithRoomAppears() {
		namespace("room");
		ControlPlane.createNode(client, testNode("room", "room-small", "1").build());
		create("room", pod("big", "2", "").editSpec().addToNodeSelector("test", "room").endSpec().build());

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			PodCondition condition = scheduledCondition("room", "big");
			assertThat(condition).isNotNull();
			assertThat(condition.getStatus()).isEqualTo("False");
			assertThat(condition.getReason()).isEqualTo("Unschedulable");
			assertThat(condition.getMessage()).contains("1 Insufficient cpu");
			assertThat(events("room", "big", "FailedScheduling")).isNotEmpty();
		});
		assertThat(nodeOf("room", "big")).isNull();

		ControlPlane.createNode(client, testNode("room", "room-large", "4").build());

		await().atMost(Duration.ofSeconds(20)).until(() -> "room-large".equals(nodeOf("room", "big")));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(events("room", "big", "Scheduled")).extracting(Event::getMessage)
				.contains("Successfully assigned room/big to room-large"));
		assertThat(scheduledCondition("room", "big").getStatus()).isEqualTo("True");
	}

	@Test
	void aCordonedNodeGetsNoNewPods() {
		namespace("cordon");
		ControlPlane.createNode(client,
				testNode("cordon", "cordon-1", "4").editSpec().withUnschedulable(true).endSpec().build());
		ControlPlane.createNode(client, testNode("cordon", "cordon-2", "4").build());
		for (int i = 0; i < 4; i++) {
			create("cordon", pod("p" + i).editSpec().addToNodeSelector("test", "cordon").endSpec().build());
		}

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			for (int i = 0; i < 4; i++) {
				assertThat(nodeOf("cordon", "p" + i)).isEqualTo("cordon-2");
			}
		});
	}

	@Test
	void onlyAPodToleratingTheTaintLandsOnATaintedNode() {
		namespace("taints");
		ControlPlane.createNode(client,
				testNode("taints", "taints-gpu", "4").editSpec()
					.withTaints(taint("dedicated", "gpu", "NoSchedule"))
					.endSpec()
					.build());
		create("taints", pod("plain").editSpec().addToNodeSelector("test", "taints").endSpec().build());
		create("taints",
				pod("tolerant").editSpec()
					.addToNodeSelector("test", "taints")
					.withTolerations(toleration("dedicated", "Equal", "gpu", "NoSchedule"))
					.endSpec()
					.build());

		await().atMost(Duration.ofSeconds(20)).until(() -> "taints-gpu".equals(nodeOf("taints", "tolerant")));
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(scheduledCondition("taints", "plain")).isNotNull()
				.extracting(PodCondition::getMessage)
				.asString()
				.contains("node(s) had untolerated taint {dedicated: gpu}"));
		assertThat(nodeOf("taints", "plain")).isNull();
	}

	@Test
	void antiAffinitySpreadsThreeReplicasOverThreeNodesAndKeepsAFourthPending() {
		namespace("spread");
		for (int i = 1; i <= 3; i++) {
			ControlPlane.createNode(client, testNode("spread", "spread-" + i, "4").build());
		}
		for (int i = 0; i < 4; i++) {
			create("spread",
					pod("web-" + i).editMetadata()
						.addToLabels("app", "web")
						.endMetadata()
						.editSpec()
						.addToNodeSelector("test", "spread")
						.withAffinity(new AffinityBuilder().withNewPodAntiAffinity()
							.withRequiredDuringSchedulingIgnoredDuringExecution(new PodAffinityTermBuilder()
								.withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build())
								.withTopologyKey("kubernetes.io/hostname")
								.build())
							.endPodAntiAffinity()
							.build())
						.endSpec()
						.build());
		}

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			List<Pod> pods = client.pods().inNamespace("spread").list().getItems();
			Set<String> nodes = pods.stream()
				.map((p) -> p.getSpec().getNodeName())
				.filter((n) -> n != null)
				.collect(Collectors.toSet());
			assertThat(nodes).containsExactlyInAnyOrder("spread-1", "spread-2", "spread-3");
			assertThat(pods.stream().filter((p) -> p.getSpec().getNodeName() == null)).hasSize(1);
		});
		// The placed replicas' own anti-affinity rejects the fourth first: Kubernetes
		// checks
		// existing pods' terms before the incoming pod's.
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			Pod pending = client.pods()
				.inNamespace("spread")
				.list()
				.getItems()
				.stream()
				.filter((p) -> p.getSpec().getNodeName() == null)
				.findFirst()
				.orElseThrow();
			assertThat(scheduledCondition("spread", pending.getMetadata().getName()).getMessage())
				.contains("3 node(s) didn't satisfy existing pods anti-affinity rules");
		});
	}

	@Test
	void aPodAskingMoreThanAnyNodeHasStaysPendingWhileOthersAreScheduled() {
		namespace("huge");
		ControlPlane.createNode(client, testNode("huge", "huge-1", "4").build());
		create("huge", pod("impossible", "64", "").editSpec().addToNodeSelector("test", "huge").endSpec().build());
		create("huge", pod("fine", "1", "").editSpec().addToNodeSelector("test", "huge").endSpec().build());

		await().atMost(Duration.ofSeconds(20)).until(() -> "huge-1".equals(nodeOf("huge", "fine")));
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(scheduledCondition("huge", "impossible").getMessage())
				.contains("Insufficient cpu"));
	}

	@Test
	void aPodOfAHighPriorityClassPreemptsALowerPriorityPodAndTakesItsPlace() {
		namespace("preempt");
		ControlPlane.createNode(client, testNode("preempt", "preempt-1", "2").build());
		create("preempt",
				pod("low", "2", "").editSpec()
					.addToNodeSelector("test", "preempt")
					.withTerminationGracePeriodSeconds(0L)
					.endSpec()
					.build());
		await().atMost(Duration.ofSeconds(20)).until(() -> "preempt-1".equals(nodeOf("preempt", "low")));

		// No Priority admission fills spec.priority here: the scheduler reads the class.
		client
			.resource(new io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder().withNewMetadata()
				.withName("important")
				.endMetadata()
				.withValue(1000)
				.build())
			.create();
		create("preempt",
				pod("high", "2", "").editSpec()
					.addToNodeSelector("test", "preempt")
					.withPriorityClassName("important")
					.endSpec()
					.build());

		await().atMost(Duration.ofSeconds(30)).until(() -> get("preempt", "low") == null);
		await().atMost(Duration.ofSeconds(30)).until(() -> "preempt-1".equals(nodeOf("preempt", "high")));
	}

	@Test
	void preemptionSparesPodsABudgetProtectsAndEvictsOnTheOtherNode() {
		namespace("pdb");
		ControlPlane.createNode(client, testNode("pdb", "pdb-1", "2").build());
		ControlPlane.createNode(client, testNode("pdb", "pdb-2", "2").build());
		client
			.resource(new io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder().withNewMetadata()
				.withName("pdb-medium")
				.endMetadata()
				.withValue(100)
				.build())
			.create();
		client
			.resource(new io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder().withNewMetadata()
				.withName("pdb-high")
				.endMetadata()
				.withValue(1000)
				.build())
			.create();
		// pdb-1 is full of the least important pods, so it is where preemption would go
		// without the budget; pdb-2's pods matter more.
		for (String name : List.of("guarded-1", "guarded-2", "free-1", "free-2")) {
			boolean guarded = name.startsWith("guarded");
			create("pdb",
					pod(name, "1", "").editMetadata()
						.addToLabels("app", guarded ? "guarded" : "free")
						.endMetadata()
						.editSpec()
						.addToNodeSelector("kubernetes.io/hostname", guarded ? "pdb-1" : "pdb-2")
						.withPriorityClassName(guarded ? null : "pdb-medium")
						.withTerminationGracePeriodSeconds(0L)
						.endSpec()
						.build());
		}
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "pdb-1".equals(nodeOf("pdb", "guarded-1")) && "pdb-1".equals(nodeOf("pdb", "guarded-2"))
					&& "pdb-2".equals(nodeOf("pdb", "free-1")) && "pdb-2".equals(nodeOf("pdb", "free-2")));
		io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget pdb = client.policy()
			.v1()
			.podDisruptionBudget()
			.inNamespace("pdb")
			.resource(new io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder().withNewMetadata()
				.withName("guarded")
				.endMetadata()
				.withNewSpec()
				.withNewMinAvailable(2)
				.withNewSelector()
				.addToMatchLabels("app", "guarded")
				.endSelector()
				.endSpec()
				.build())
			.create();
		// No disruption controller runs here: the status says what it would.
		pdb.setStatus(new io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder()
			.withDisruptionsAllowed(0)
			.withCurrentHealthy(2)
			.withDesiredHealthy(2)
			.withExpectedPods(2)
			.withObservedGeneration(pdb.getMetadata().getGeneration())
			.build());
		client.policy().v1().podDisruptionBudget().inNamespace("pdb").resource(pdb).updateStatus();

		// The victim is gone as soon as it is deleted (grace period 0): its marking is
		// seen on the watch.
		List<String> disruptionTargets = new java.util.concurrent.CopyOnWriteArrayList<>();
		io.fabric8.kubernetes.client.Watch watch = client.pods()
			.inNamespace("pdb")
			.watch(new io.fabric8.kubernetes.client.Watcher<>() {
				@Override
				public void eventReceived(Action action, Pod pod) {
					if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
						pod.getStatus()
							.getConditions()
							.stream()
							.filter((c) -> "DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus()))
							.forEach((c) -> disruptionTargets
								.add(pod.getMetadata().getName() + " " + c.getReason() + " " + c.getMessage()));
					}
				}

				@Override
				public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
				}
			});
		create("pdb",
				pod("high", "1", "").editSpec()
					.addToNodeSelector("test", "pdb")
					.withPriorityClassName("pdb-high")
					.endSpec()
					.build());

		await().atMost(Duration.ofSeconds(30)).until(() -> "pdb-2".equals(nodeOf("pdb", "high")));
		assertThat(List.of(get("pdb", "free-1") == null, get("pdb", "free-2") == null)).containsOnlyOnce(true);
		assertThat(nodeOf("pdb", "guarded-1")).isEqualTo("pdb-1");
		assertThat(nodeOf("pdb", "guarded-2")).isEqualTo("pdb-1");
		String victim = get("pdb", "free-1") == null ? "free-1" : "free-2";
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(disruptionTargets).contains(victim
					+ " PreemptionByScheduler default-scheduler: preempting to accommodate a higher priority pod"));
		watch.close();
	}

	@Test
	void aPodFollowsItsBoundLocalVolumeAndAWaitingClaimGetsTheChosenNode() {
		namespace("volumes");
		ControlPlane.createNode(client, testNode("volumes", "volumes-1", "2").build());
		ControlPlane.createNode(client, testNode("volumes", "volumes-2", "2").build());
		client.persistentVolumes()
			.resource(new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder().withNewMetadata()
				.withName("volumes-pv")
				.endMetadata()
				.withNewSpec()
				.addToCapacity("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
				.withAccessModes("ReadWriteOnce")
				.withNewLocal()
				.withPath("/tmp/volumes-pv")
				.endLocal()
				.withNodeAffinity(io.stevedore.scheduler.testing.TestObjects.hostnameAffinity("volumes-2"))
				.endSpec()
				.build())
			.create();
		client.storage()
			.v1()
			.storageClasses()
			.resource(new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder().withNewMetadata()
				.withName("volumes-wait")
				.endMetadata()
				.withProvisioner("example.com/none")
				.withVolumeBindingMode("WaitForFirstConsumer")
				.build())
			.create();
		claim("bound", null, "volumes-pv");
		claim("waiting", "volumes-wait", null);

		create("volumes", podWithClaim("on-bound", "bound"));
		create("volumes", podWithClaim("on-waiting", "waiting"));

		await().atMost(Duration.ofSeconds(20)).until(() -> "volumes-2".equals(nodeOf("volumes", "on-bound")));
		await().atMost(Duration.ofSeconds(20)).until(() -> nodeOf("volumes", "on-waiting") != null);
		assertThat(client.persistentVolumeClaims()
			.inNamespace("volumes")
			.withName("waiting")
			.get()
			.getMetadata()
			.getAnnotations()).containsEntry("volume.kubernetes.io/selected-node", nodeOf("volumes", "on-waiting"));
	}

	private static void claim(String name, String storageClass, String volumeName) {
		client.persistentVolumeClaims()
			.inNamespace("volumes")
			.resource(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder().withNewMetadata()
				.withName(name)
				.endMetadata()
				.withNewSpec()
				.withAccessModes("ReadWriteOnce")
				.withStorageClassName(storageClass)
				.withVolumeName(volumeName)
				.withNewResources()
				.addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
				.endResources()
				.endSpec()
				.build())
			.create();
	}

	private static Pod podWithClaim(String name, String claim) {
		return pod(name, "1", "").editSpec()
			.addToNodeSelector("test", "volumes")
			.addNewVolume()
			.withName("data")
			.withNewPersistentVolumeClaim(claim, false)
			.endVolume()
			.endSpec()
			.build();
	}

	@Test
	void thePrometheusEndpointShowsAttemptsLatencyAndQueueDepths() throws Exception {
		int port = plane.scheduler(0).getEnvironment().getProperty("local.server.port", Integer.class);
		java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest
				.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString());

		assertThat(response.body()).contains("scheduler_pending_pods{queue=\"active\"}")
			.contains("scheduler_pending_pods{queue=\"unschedulable\"}");
		create("default", pod("metrics").build());
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(java.net.http.HttpClient.newHttpClient()
				.send(java.net.http.HttpRequest
					.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
					.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
				.body()).contains("scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"")
				.contains("scheduler_e2e_scheduling_duration_seconds_bucket"));
	}

}
