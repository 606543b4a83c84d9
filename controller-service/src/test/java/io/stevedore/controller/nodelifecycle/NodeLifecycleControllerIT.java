package io.stevedore.controller.nodelifecycle;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.support.ControlPlane;
import io.stevedore.controller.support.TestPods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Node lifecycle against the real apiserver. The test is the kubelet of two nodes: it
 * renews their Leases every second and stops for one of them.
 */
class NodeLifecycleControllerIT {

	@TempDir
	static Path dataDir;

	static ControlPlane plane;

	static KubernetesClient client;

	static final Set<String> alive = ConcurrentHashMap.newKeySet();

	static final ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor();

	@BeforeAll
	static void startControlPlane() {
		plane = ControlPlane.start(dataDir);
		client = plane.client();
		if (client.namespaces().withName("kube-node-lease").get() == null) {
			client.namespaces()
				.resource(new NamespaceBuilder().withNewMetadata().withName("kube-node-lease").endMetadata().build())
				.create();
		}
		kubelet.scheduleAtFixedRate(() -> alive.forEach(NodeLifecycleControllerIT::renew), 0, 1, TimeUnit.SECONDS);
	}

	@AfterAll
	static void stopControlPlane() {
		kubelet.shutdownNow();
		client.close();
		plane.close();
	}

	@Test
	void aNodeWhoseLeaseStopsIsTaintedItsPodsEvictedAndItRecoversWhenTheLeaseRenews() {
		String lost = "lost-" + UUID.randomUUID().toString().substring(0, 6);
		String healthy = "healthy-" + UUID.randomUUID().toString().substring(0, 6);
		registerNode(lost);
		registerNode(healthy);
		String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		// Created here straight at the apiserver, without the gateway's admission: "bare"
		// has no toleration and goes the moment the node is tainted, as in Kubernetes;
		// "on-lost" has what DefaultTolerationSeconds adds in ./stevedore up (5 s).
		runningAndReady(ns, TestPods.bound("bare", lost));
		runningAndReady(ns, admitted(TestPods.bound("on-lost", lost), 5));
		runningAndReady(ns, TestPods.bound("on-healthy", healthy));
		Pod patient = TestPods.bound("patient", lost);
		patient.getSpec()
			.setTolerations(java.util.List
				.of(new io.fabric8.kubernetes.api.model.TolerationBuilder().withKey("node.kubernetes.io/unreachable")
					.withOperator("Exists")
					.withEffect("NoExecute")
					.build()));
		runningAndReady(ns, patient);

		alive.remove(lost);

		await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
			Node node = client.nodes().withName(lost).get();
			assertThat(NodeConditions.ready(node).getStatus()).isEqualTo("Unknown");
			assertThat(NodeConditions.ready(node).getReason()).isEqualTo("NodeStatusUnknown");
			assertThat(NodeConditions.ready(node).getMessage()).isEqualTo("Kubelet stopped posting node status.");
			assertThat(node.getSpec().getTaints()).anySatisfy(t -> {
				assertThat(t.getKey()).isEqualTo("node.kubernetes.io/unreachable");
				assertThat(t.getEffect()).isEqualTo("NoExecute");
			});
		});
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
			assertThat(client.pods().inNamespace(ns).withName("bare").get().getMetadata().getDeletionTimestamp())
				.isNotNull();
			assertThat(client.pods().inNamespace(ns).withName("on-lost").get().getMetadata().getDeletionTimestamp())
				.isNotNull();
		});
		// Both are deleted gracefully with the same 30 s: their deletion timestamps are
		// as
		// far apart as their evictions, the toleration's 5 s (give or take a pass and the
		// rounding to whole seconds).
		assertThat(Duration.between(deletionTimestamp(ns, "bare"), deletionTimestamp(ns, "on-lost")))
			.isBetween(Duration.ofSeconds(2), Duration.ofSeconds(8));
		assertThat(client.pods().inNamespace(ns).withName("on-healthy").get().getMetadata().getDeletionTimestamp())
			.isNull();
		// Nothing vouches for the pods of a node that stopped reporting: they lose Ready
		// (so Services stop sending to them), the one that tolerates the taint stays.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(readyStatus(ns, "patient")).isEqualTo("False"));
		assertThat(readyStatus(ns, "on-healthy")).isEqualTo("True");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(reasons(ns, "patient")).contains("NodeNotReady");
			assertThat(reasons(ns, "on-lost")).contains("TaintManagerEviction");
			assertThat(reasons(ns, "on-healthy")).isEmpty();
			assertThat(client.v1()
				.events()
				.inNamespace("default")
				.list()
				.getItems()
				.stream()
				.filter((e) -> lost.equals(e.getInvolvedObject().getName())))
				.anySatisfy((e) -> assertThat(e.getReason() + ": " + e.getMessage())
					.isEqualTo("NodeNotReady: Node " + lost + " status is now: NodeNotReady"));
		});
		// A bound pod is deleted gracefully: it waits for its (gone) kubelet, and shows
		// why.
		assertThat(client.pods().inNamespace(ns).withName("on-lost").get().getStatus().getConditions())
			.anySatisfy((c) -> assertThat(c.getType() + "=" + c.getStatus() + " " + c.getReason())
				.isEqualTo("DisruptionTarget=True DeletionByTaintManager"));

		alive.add(lost);

		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
			Node node = client.nodes().withName(lost).get();
			assertThat(NodeConditions.ready(node).getStatus()).isEqualTo("True");
			assertThat(node.getSpec().getTaints()).isNullOrEmpty();
		});
	}

	/**
	 * The tolerations the gateway's DefaultTolerationSeconds admission adds, which a pod
	 * created straight at the apiserver does not get.
	 */
	private static Pod admitted(Pod pod, long seconds) {
		pod.getSpec()
			.setTolerations(java.util.List.of(
					new io.fabric8.kubernetes.api.model.TolerationBuilder().withKey("node.kubernetes.io/not-ready")
						.withOperator("Exists")
						.withEffect("NoExecute")
						.withTolerationSeconds(seconds)
						.build(),
					new io.fabric8.kubernetes.api.model.TolerationBuilder().withKey("node.kubernetes.io/unreachable")
						.withOperator("Exists")
						.withEffect("NoExecute")
						.withTolerationSeconds(seconds)
						.build()));
		return pod;
	}

	private static java.time.Instant deletionTimestamp(String ns, String name) {
		return java.time.Instant
			.parse(client.pods().inNamespace(ns).withName(name).get().getMetadata().getDeletionTimestamp());
	}

	/** Created, then Running and Ready as its kubelet would report it. */
	private static void runningAndReady(String ns, Pod pod) {
		client.pods().inNamespace(ns).resource(pod).create();
		Pod created = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get();
		created.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
			.addNewCondition()
			.withType("Ready")
			.withStatus("True")
			.endCondition()
			.build());
		client.pods().inNamespace(ns).resource(created).updateStatus();
	}

	private static String readyStatus(String ns, String name) {
		return client.pods()
			.inNamespace(ns)
			.withName(name)
			.get()
			.getStatus()
			.getConditions()
			.stream()
			.filter((c) -> "Ready".equals(c.getType()))
			.map((c) -> c.getStatus())
			.findFirst()
			.orElse(null);
	}

	private static java.util.List<String> reasons(String ns, String pod) {
		return client.v1()
			.events()
			.inNamespace(ns)
			.list()
			.getItems()
			.stream()
			.filter((e) -> pod.equals(e.getInvolvedObject().getName()))
			.map((e) -> e.getReason())
			.toList();
	}

	@Test
	void aCordonAndDiskPressureAreNoScheduleTaintsUntilTheyGo() {
		String name = "pressed-" + UUID.randomUUID().toString().substring(0, 6);
		registerNode(name);
		client.nodes()
			.withName(name)
			.edit(n -> new NodeBuilder(n).editSpec().withUnschedulable(true).endSpec().build());
		// A merge patch: the controller may write the node (a taint) at the same time.
		diskPressure(name, "True");

		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(client.nodes().withName(name).get().getSpec().getTaints())
				.extracting(t -> t.getKey() + ":" + t.getEffect())
				.containsExactlyInAnyOrder("node.kubernetes.io/unschedulable:NoSchedule",
						"node.kubernetes.io/disk-pressure:NoSchedule"));

		client.nodes()
			.withName(name)
			.edit(n -> new NodeBuilder(n).editSpec().withUnschedulable(false).endSpec().build());
		diskPressure(name, "False");
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(client.nodes().withName(name).get().getSpec().getTaints()).isNullOrEmpty());
		alive.remove(name);
	}

	/** The kubelet's DiskPressure, through a strategic merge patch of the status. */
	private static void diskPressure(String name, String status) {
		client.nodes()
			.withName(name)
			.subresource("status")
			.patch(io.fabric8.kubernetes.client.dsl.base.PatchContext
				.of(io.fabric8.kubernetes.client.dsl.base.PatchType.STRATEGIC_MERGE), """
						{"status":{"conditions":[{"type":"DiskPressure","status":"%s","reason":"KubeletHasDiskPressure",
						 "message":"kubelet has disk pressure"}]}}""".formatted(status));
	}

	private static void registerNode(String name) {
		client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
		Node node = client.nodes().withName(name).get();
		node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder().addNewCondition()
			.withType("Ready")
			.withStatus("True")
			.withReason("KubeletReady")
			.withMessage("kubelet is posting ready status")
			.withLastHeartbeatTime(ZonedDateTime.now(ZoneOffset.UTC).toString())
			.withLastTransitionTime(ZonedDateTime.now(ZoneOffset.UTC).toString())
			.endCondition()
			.build());
		client.nodes().resource(node).updateStatus();
		client.leases()
			.inNamespace("kube-node-lease")
			.resource(new LeaseBuilder().withNewMetadata()
				.withName(name)
				.endMetadata()
				.withNewSpec()
				.withHolderIdentity(name)
				.withLeaseDurationSeconds(40)
				.withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
				.endSpec()
				.build())
			.create();
		alive.add(name);
	}

	private static void renew(String name) {
		try {
			client.leases().inNamespace("kube-node-lease").withName(name).edit(lease -> {
				lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
				return lease;
			});
		}
		catch (RuntimeException ex) {
			// A conflict or a hiccup: the next second renews again, as a kubelet would.
		}
	}

}
