package io.stevedore.controller.nodelifecycle;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.stevedore.client.clock.FakeClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeLifecycleSyncTest {

	private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final Map<String, Node> nodes = new LinkedHashMap<>();

	private final Map<String, Lease> leases = new LinkedHashMap<>();

	private final List<Pod> pods = new ArrayList<>();

	private final List<String> evicted = new ArrayList<>();

	/** Events as "kind/name reason: message". */
	private final List<String> events = new ArrayList<>();

	/** Pods marked not ready, by name, in order. */
	private final List<String> markedNotReady = new ArrayList<>();

	/**
	 * Whether a deleted pod stays in the pod list, as in an informer not caught up yet.
	 */
	private boolean informerLags;

	/** Nodes whose kubelet stopped renewing; every other node renews each second. */
	private final java.util.Set<String> silent = new java.util.HashSet<>();

	private final NodeLifecycleSync sync = new NodeLifecycleSync(() -> List.copyOf(this.nodes.values()),
			this.leases::get, (node) -> this.pods.stream().filter(p -> node.equals(p.getSpec().getNodeName())).toList(),
			new NodeLifecycleControl() {
				@Override
				public Node updateStatus(Node node) {
					NodeLifecycleSyncTest.this.nodes.put(node.getMetadata().getName(), node);
					return node;
				}

				@Override
				public Node update(Node node) {
					NodeLifecycleSyncTest.this.nodes.put(node.getMetadata().getName(), node);
					return node;
				}

				@Override
				public void deletePod(Pod pod) {
					NodeLifecycleSyncTest.this.evicted.add(pod.getMetadata().getName());
					if (!NodeLifecycleSyncTest.this.informerLags) {
						NodeLifecycleSyncTest.this.pods.remove(pod);
					}
				}

				@Override
				public void markPodNotReady(Pod pod, Instant now) {
					NodeLifecycleSyncTest.this.markedNotReady.add(pod.getMetadata().getName());
					// As the informer would show it a moment later.
					Pod marked = new PodBuilder(pod).editStatus()
						.editMatchingCondition((c) -> "Ready".equals(c.getType()))
						.withStatus("False")
						.endCondition()
						.endStatus()
						.build();
					NodeLifecycleSyncTest.this.pods.replaceAll((p) -> p == pod ? marked : p);
				}

				@Override
				public void event(HasMetadata object, String type, String reason, String message) {
					NodeLifecycleSyncTest.this.events
						.add(object.getKind() + "/" + object.getMetadata().getName() + " " + reason + ": " + message);
				}
			}, NodeLifecycleSettings.defaults(), this.clock);

	@Test
	void aNodeRenewingItsLeaseStaysReadyAndUntainted() {
		givenNodes("a", "b");

		step(Duration.ofSeconds(20));

		assertThat(ready("a").getStatus()).isEqualTo("True");
		assertThat(taints("a")).isEmpty();
	}

	@Test
	void pressureConditionsAndTheCordonAreNoScheduleTaintsForAsLongAsTheyLast() {
		givenNodes("a", "b");
		Node pressed = new NodeBuilder(this.nodes.get("a")).editSpec()
			.withUnschedulable(true)
			.endSpec()
			.editStatus()
			.addNewCondition()
			.withType("DiskPressure")
			.withStatus("True")
			.withReason("KubeletHasDiskPressure")
			.endCondition()
			.addNewCondition()
			.withType("MemoryPressure")
			.withStatus("False")
			.endCondition()
			.endStatus()
			.build();
		this.nodes.put("a", pressed);

		step(Duration.ofSeconds(5));

		assertThat(taints("a")).extracting(Taint::getKey, Taint::getEffect)
			.containsExactlyInAnyOrder(
					org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/disk-pressure", "NoSchedule"),
					org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unschedulable", "NoSchedule"));
		assertThat(taints("b")).isEmpty();
		assertThat(this.evicted).isEmpty();

		Node relieved = new NodeBuilder(this.nodes.get("a")).editSpec()
			.withUnschedulable(false)
			.endSpec()
			.editStatus()
			.editMatchingCondition(c -> "DiskPressure".equals(c.getType()))
			.withStatus("False")
			.endCondition()
			.endStatus()
			.build();
		this.nodes.put("a", relieved);
		step(Duration.ofSeconds(5));

		assertThat(taints("a")).isEmpty();
	}

	@Test
	void aNodeSilentLongerThanTheGracePeriodIsReadyUnknownAndTaintedUnreachable() {
		givenNodes("a", "b");
		this.silent.add("a");

		step(Duration.ofSeconds(9));

		NodeCondition ready = ready("a");
		assertThat(ready.getStatus()).isEqualTo("Unknown");
		assertThat(ready.getReason()).isEqualTo("NodeStatusUnknown");
		assertThat(ready.getMessage()).isEqualTo("Kubelet stopped posting node status.");
		assertThat(taints("a")).extracting(Taint::getKey, Taint::getEffect)
			.containsExactlyInAnyOrder(
					org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unreachable", "NoSchedule"),
					org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unreachable", "NoExecute"));
		assertThat(ready("b").getStatus()).isEqualTo("True");
	}

	@Test
	void theCachedNodesAreNeverChangedOnlyCopiesAreWritten() {
		givenNodes("a", "b");
		Node cachedA = this.nodes.get("a");
		Node cachedB = this.nodes.get("b");
		String before = io.fabric8.kubernetes.client.utils.Serialization.asJson(cachedA);
		this.silent.add("a");

		step(Duration.ofSeconds(9));

		assertThat(taints("a")).isNotEmpty();
		assertThat(this.nodes.get("a")).isNotSameAs(cachedA);
		assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(cachedA)).isEqualTo(before);
		// Nothing to change on b: not copied, not written.
		assertThat(this.nodes.get("b")).isSameAs(cachedB);
	}

	@Test
	void aPodWithoutATolerationIsEvictedTheMomentItsNodeIsTaintedAsByKubernetes() {
		givenNodes("a", "b");
		this.pods.add(pod("web", "a", null));
		this.silent.add("a");

		while (taints("a").stream().noneMatch((t) -> NodeTaints.NO_EXECUTE.equals(t.getEffect()))) {
			assertThat(this.evicted).isEmpty();
			step(Duration.ofSeconds(1));
		}

		assertThat(this.evicted).containsExactly("web");
	}

	@Test
	void aPodIsEvictedOnceWhileThePodInformerStillShowsIt() {
		givenNodes("a", "b");
		this.informerLags = true;
		this.pods.add(pod("web", "a", null));
		silenceUntilTainted("a");

		step(Duration.ofSeconds(59));
		assertThat(this.evicted).containsExactly("web");
		assertThat(this.events).filteredOn((e) -> e.contains("TaintManagerEviction")).hasSize(1);

		// Still shown a minute later: that delete was lost, so it is deleted again.
		step(Duration.ofSeconds(2));
		assertThat(this.evicted).containsExactly("web", "web");
	}

	@Test
	void aPodWithTheTolerationsAdmissionAddsStaysTheirFiveSeconds() {
		givenNodes("a", "b");
		this.pods.add(withDefaultTolerations(pod("web", "a", null), 5));
		silenceUntilTainted("a");

		step(Duration.ofSeconds(4));
		assertThat(this.evicted).isEmpty();

		step(Duration.ofSeconds(1));
		assertThat(this.evicted).containsExactly("web");
	}

	@Test
	void podsOfANodeThatGoesSilentLoseTheirReadyOnceWithAnEventAndTheNodeGetsNodeNotReady() {
		givenNodes("a", "b");
		this.pods.add(ready(pod("web", "a", -1L)));
		this.pods.add(ready(pod("db", "a", -1L)));
		this.pods.add(pod("starting", "a", -1L));
		this.pods.add(ready(pod("elsewhere", "b", -1L)));

		step(Duration.ofSeconds(8));
		assertThat(this.markedNotReady).isEmpty();

		step(Duration.ofSeconds(1));
		this.silent.add("a");
		step(Duration.ofSeconds(9));

		assertThat(this.markedNotReady).containsExactly("web", "db");
		assertThat(this.events).filteredOn(e -> !e.contains("RegisteredNode"))
			.containsExactly("Node/a NodeNotReady: Node a status is now: NodeNotReady",
					"Pod/web NodeNotReady: Node is not ready", "Pod/db NodeNotReady: Node is not ready");
		// Later passes find them marked: no second write, no second event.
		step(Duration.ofSeconds(30));
		assertThat(this.markedNotReady).containsExactly("web", "db");
		assertThat(this.events).filteredOn(e -> !e.contains("RegisteredNode")).hasSize(3);
	}

	@Test
	void aNodeFirstSeenIsRegisteredOnceAndOneThatLeftIsRemovedAsKubernetesSaysIt() {
		givenNodes("a", "b");
		step(Duration.ofSeconds(1));
		step(Duration.ofSeconds(1));
		assertThat(this.events).containsExactly("Node/a RegisteredNode: Node a event: Registered Node a in Controller",
				"Node/b RegisteredNode: Node b event: Registered Node b in Controller");

		this.nodes.remove("b");
		step(Duration.ofSeconds(1));
		step(Duration.ofSeconds(1));
		assertThat(this.events).hasSize(3)
			.last()
			.isEqualTo("Node/b RemovingNode: Node b event: Removing Node b from Controller");
	}

	@Test
	void aPodThatTurnsReadyOnANodeThatIsNotReadyIsMarkedAgain() {
		givenNodes("a", "b");
		silenceUntilTainted("a");
		this.pods.add(ready(pod("late", "a", -1L)));

		step(Duration.ofSeconds(1));

		assertThat(this.markedNotReady).containsExactly("late");
	}

	@Test
	void anEvictionIsAnnouncedWithTaintManagerEviction() {
		givenNodes("a", "b");
		this.pods.add(pod("web", "a", null));
		silenceUntilTainted("a");

		assertThat(this.evicted).containsExactly("web");
		assertThat(this.events).contains("Pod/web TaintManagerEviction: Marking for deletion Pod team/web");
	}

	@Test
	void aPodStaysAsLongAsItsOwnTolerationSecondsAndForeverWithoutThem() {
		givenNodes("a", "b");
		this.pods.add(pod("patient", "a", 20L));
		this.pods.add(pod("daemon", "a", -1L));
		silenceUntilTainted("a");

		step(Duration.ofSeconds(19));
		assertThat(this.evicted).isEmpty();
		step(Duration.ofSeconds(1));
		assertThat(this.evicted).containsExactly("patient");
		step(Duration.ofMinutes(10));
		assertThat(this.evicted).containsExactly("patient");
	}

	@Test
	void aNodeWhoseLeaseRenewsAgainIsReadyAndUntaintedAgain() {
		givenNodes("a", "b");
		silenceUntilTainted("a");

		this.silent.clear();
		step(Duration.ofSeconds(1));

		assertThat(ready("a").getStatus()).isEqualTo("True");
		assertThat(taints("a")).isEmpty();
	}

	@Test
	void aRestartedNodesOwnReadyCountsAsAHeartbeatBeforeItsLeaseIsSeen() {
		givenNodes("a", "b");
		silenceUntilTainted("a");
		assertThat(ready("a").getStatus()).isEqualTo("Unknown");

		// The agent starts again and posts Ready; its Lease renewal is not seen yet.
		Node posted = Serialization.clone(this.nodes.get("a"));
		NodeCondition condition = NodeConditions.ready(posted);
		condition.setStatus("True");
		condition.setReason("KubeletReady");
		condition.setLastHeartbeatTime(this.clock.instant().toString());
		this.nodes.put("a", posted);
		step(Duration.ofSeconds(1));

		assertThat(ready("a").getStatus()).isEqualTo("True");
	}

	@Test
	void aReadyLeftFromBeforeTheNodeWentSilentIsNoHeartbeat() {
		givenNodes("a", "b");
		NodeConditions.ready(this.nodes.get("a")).setLastHeartbeatTime(this.clock.instant().toString());
		step(Duration.ofSeconds(1));
		this.silent.add("a");
		step(Duration.ofSeconds(9));

		assertThat(ready("a").getStatus()).isEqualTo("Unknown");
	}

	@Test
	void whenEveryNodeGoesSilentNothingIsEvicted() {
		givenNodes("a", "b");
		this.pods.add(pod("web", "a", null));
		this.silent.addAll(List.of("a", "b"));

		step(Duration.ofSeconds(30));

		assertThat(ready("a").getStatus()).isEqualTo("Unknown");
		assertThat(taints("a")).extracting(Taint::getEffect).containsExactly("NoSchedule");
		assertThat(this.evicted).isEmpty();
	}

	@Test
	void whenMostNodesOfASmallZoneGoSilentTheyAreNotTaintedNoExecute() {
		givenNodes("a", "b", "c", "d");
		this.silent.addAll(List.of("a", "b", "c"));

		step(Duration.ofSeconds(30));

		assertThat(List.of("a", "b", "c")).allSatisfy(n -> {
			assertThat(ready(n).getStatus()).isEqualTo("Unknown");
			assertThat(taints(n)).extracting(Taint::getEffect).containsExactly("NoSchedule");
		});
	}

	@Test
	void nodesFailingTogetherAreTaintedNoExecuteAtTheEvictionRateOneEveryTenSeconds() {
		givenNodes("a", "b", "c", "d", "e", "f");
		this.silent.addAll(List.of("a", "b"));

		step(Duration.ofSeconds(9));
		assertThat(noExecuteCount("a", "b")).isEqualTo(1);
		step(Duration.ofSeconds(9));
		assertThat(noExecuteCount("a", "b")).isEqualTo(1);
		step(Duration.ofSeconds(1));
		assertThat(noExecuteCount("a", "b")).isEqualTo(2);
	}

	private long noExecuteCount(String... names) {
		return java.util.Arrays.stream(names)
			.filter(n -> taints(n).stream().anyMatch(t -> t.getEffect().equals("NoExecute")))
			.count();
	}

	private void silenceUntilTainted(String node) {
		this.silent.add(node);
		step(Duration.ofSeconds(9));
		assertThat(taints(node)).extracting(Taint::getEffect).contains("NoExecute");
	}

	/** Time passes by a second at a time, the sync running each second. */
	private void step(Duration duration) {
		for (long s = 0; s < duration.toSeconds(); s++) {
			this.clock.advance(Duration.ofSeconds(1));
			for (String name : this.nodes.keySet()) {
				if (!this.silent.contains(name)) {
					renew(name);
				}
			}
			this.sync.reconcile(NodeLifecycleSync.KEY);
		}
	}

	private void givenNodes(String... names) {
		for (String name : names) {
			this.nodes.put(name,
					new NodeBuilder().withNewMetadata()
						.withName(name)
						.endMetadata()
						.withNewSpec()
						.endSpec()
						.withNewStatus()
						.addNewCondition()
						.withType("Ready")
						.withStatus("True")
						.withReason("KubeletReady")
						.endCondition()
						.endStatus()
						.build());
			renew(name);
		}
		this.sync.reconcile(NodeLifecycleSync.KEY);
	}

	private void renew(String name) {
		this.leases.put(name,
				new LeaseBuilder().withNewMetadata()
					.withName(name)
					.withNamespace("kube-node-lease")
					.endMetadata()
					.withNewSpec()
					.withHolderIdentity(name)
					.withRenewTime(ZonedDateTime.ofInstant(this.clock.instant(), java.time.ZoneOffset.UTC))
					.endSpec()
					.build());
	}

	private NodeCondition ready(String name) {
		return NodeConditions.ready(this.nodes.get(name));
	}

	private List<Taint> taints(String name) {
		return NodeTaints.of(this.nodes.get(name));
	}

	private static Pod ready(Pod pod) {
		return new PodBuilder(pod).withNewStatus()
			.addNewCondition()
			.withType("Ready")
			.withStatus("True")
			.endCondition()
			.endStatus()
			.build();
	}

	/**
	 * The not-ready and unreachable tolerations the gateway's DefaultTolerationSeconds
	 * admission adds to a pod created through the apiserver.
	 */
	private static Pod withDefaultTolerations(Pod pod, long seconds) {
		return new PodBuilder(pod).editSpec()
			.addNewToleration()
			.withKey("node.kubernetes.io/not-ready")
			.withOperator("Exists")
			.withEffect("NoExecute")
			.withTolerationSeconds(seconds)
			.endToleration()
			.addNewToleration()
			.withKey("node.kubernetes.io/unreachable")
			.withOperator("Exists")
			.withEffect("NoExecute")
			.withTolerationSeconds(seconds)
			.endToleration()
			.endSpec()
			.build();
	}

	/** tolerationSeconds null: no toleration; -1: tolerates forever. */
	private static Pod pod(String name, String node, Long tolerationSeconds) {
		PodBuilder builder = new PodBuilder().withNewMetadata()
			.withNamespace("team")
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withNodeName(node)
			.endSpec();
		if (tolerationSeconds != null) {
			builder.editSpec()
				.addNewToleration()
				.withKey("node.kubernetes.io/unreachable")
				.withOperator("Exists")
				.withEffect("NoExecute")
				.withTolerationSeconds(tolerationSeconds < 0 ? null : tolerationSeconds)
				.endToleration()
				.endSpec();
		}
		return builder.build();
	}

}
