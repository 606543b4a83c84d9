package io.stevedore.scheduler.cache;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulerCacheTest {

	private final SchedulerCache cache = new SchedulerCache();

	private static PodInfo bound(String name, String node) {
		Pod pod = new PodBuilder(pod(name, "1", "1Gi").build()).editSpec().withNodeName(node).endSpec().build();
		return PodInfo.of(pod);
	}

	@Test
	void anAssumedPodCountsOnItsNodeBeforeItIsBound() {
		this.cache.addOrUpdateNode(node("n1").build());

		this.cache.assume(bound("p", "n1"), "n1");

		assertThat(this.cache.node("n1").requested().milliCpu).isEqualTo(1000);
		assertThat(this.cache.isAssumed("uid-p")).isTrue();
	}

	@Test
	void forgettingAnAssumedPodFreesItsRoom() {
		this.cache.addOrUpdateNode(node("n1").build());
		this.cache.assume(bound("p", "n1"), "n1");

		this.cache.forget(bound("p", "n1"));

		assertThat(this.cache.node("n1").requested().milliCpu).isZero();
	}

	@Test
	void theInformerSeeingTheBoundPodConfirmsTheAssumptionWithoutCountingItTwice() {
		this.cache.addOrUpdateNode(node("n1").build());
		this.cache.assume(bound("p", "n1"), "n1");

		this.cache.addOrUpdatePod(bound("p", "n1"));
		this.cache.forget(bound("p", "n1"));

		assertThat(this.cache.node("n1").requested().milliCpu).as("confirmed pods are not forgotten").isEqualTo(1000);
		assertThat(this.cache.isAssumed("uid-p")).isFalse();
	}

	@Test
	void assumingAPodAlreadyInTheCacheIsRefused() {
		this.cache.addOrUpdateNode(node("n1").build());
		this.cache.assume(bound("p", "n1"), "n1");

		assertThatThrownBy(() -> this.cache.assume(bound("p", "n1"), "n1")).hasMessageContaining("default/p");
	}

	@Test
	void theSnapshotClonesOnlyNodesThatChanged() {
		this.cache.addOrUpdateNode(node("n1").build());
		this.cache.addOrUpdateNode(node("n2").build());
		NodeSnapshot snapshot = new NodeSnapshot();
		this.cache.updateSnapshot(snapshot);
		var n2 = snapshot.get("n2");

		this.cache.assume(bound("p", "n1"), "n1");
		assertThat(this.cache.updateSnapshot(snapshot)).isTrue();

		assertThat(snapshot.get("n2")).isSameAs(n2);
		assertThat(snapshot.get("n1").pods()).hasSize(1);
		assertThat(this.cache.updateSnapshot(snapshot)).as("nothing changed since").isFalse();
	}

	@Test
	void aDeletedNodeLeavesTheSnapshotButItsPodsStillCountUntilTheyGo() {
		this.cache.addOrUpdateNode(node("n1").build());
		this.cache.addOrUpdatePod(bound("p", "n1"));
		NodeSnapshot snapshot = new NodeSnapshot();

		this.cache.removeNode("n1");
		this.cache.updateSnapshot(snapshot);

		assertThat(snapshot.nodes()).isEmpty();
		assertThat(this.cache.node("n1").pods()).hasSize(1);
		this.cache.removePod("uid-p");
		assertThat(this.cache.node("n1")).isNull();
	}

	@Test
	void theSnapshotKeepsNodesSortedAndItsAffinityListsCurrentAcrossIncrementalUpdates() {
		this.cache.addOrUpdateNode(node("b").build());
		NodeSnapshot snapshot = new NodeSnapshot();
		this.cache.updateSnapshot(snapshot);
		this.cache.addOrUpdateNode(node("a").build());
		this.cache.updateSnapshot(snapshot);
		assertThat(snapshot.nodes()).extracting((n) -> n.name()).containsExactly("a", "b");

		Pod anti = new PodBuilder(bound("p", "b").pod()).editSpec()
			.withNewAffinity()
			.withNewPodAntiAffinity()
			.addNewRequiredDuringSchedulingIgnoredDuringExecution()
			.withNewLabelSelector()
			.addToMatchLabels("app", "web")
			.endLabelSelector()
			.withTopologyKey("kubernetes.io/hostname")
			.endRequiredDuringSchedulingIgnoredDuringExecution()
			.endPodAntiAffinity()
			.endAffinity()
			.endSpec()
			.build();
		this.cache.assume(PodInfo.of(anti), "b");
		this.cache.updateSnapshot(snapshot);
		assertThat(snapshot.nodesWithRequiredAntiAffinityPods()).extracting((n) -> n.name()).containsExactly("b");

		this.cache.forget(PodInfo.of(anti));
		this.cache.updateSnapshot(snapshot);
		assertThat(snapshot.nodesWithRequiredAntiAffinityPods()).isEmpty();
		assertThat(snapshot.get("b").pods()).isEmpty();
	}

	@Test
	void incrementalSnapshotsStayEqualToTheCacheThroughRandomChurn() {
		// Two snapshots refreshed at different rates through adds, updates and removals
		// of nodes and pods: after each refresh each holds exactly what the cache holds.
		java.util.Random random = new java.util.Random(42);
		NodeSnapshot often = new NodeSnapshot();
		NodeSnapshot seldom = new NodeSnapshot();
		java.util.Set<String> placed = new java.util.HashSet<>();
		for (int step = 0; step < 3_000; step++) {
			String node = "n" + random.nextInt(8);
			String pod = "p" + random.nextInt(24);
			switch (random.nextInt(6)) {
				case 0 -> this.cache.addOrUpdateNode(node(node).build());
				case 1 -> this.cache.removeNode(node);
				case 2 -> {
					if (placed.add(pod)) {
						this.cache.assume(bound(pod, node), node);
					}
				}
				case 3 -> {
					this.cache.addOrUpdatePod(bound(pod, node));
					placed.add(pod);
				}
				case 4 -> {
					this.cache.removePod("uid-" + pod);
					placed.remove(pod);
				}
				default -> this.cache.forget(bound(pod, node));
			}
			this.cache.updateSnapshot(often);
			assertSameAsCache(often, step);
			if (step % 7 == 0) {
				this.cache.updateSnapshot(seldom);
				assertSameAsCache(seldom, step);
			}
		}
	}

	private void assertSameAsCache(NodeSnapshot snapshot, int step) {
		for (int i = 0; i < 8; i++) {
			String name = "n" + i;
			var expected = this.cache.node(name);
			var actual = snapshot.get(name);
			if (expected == null) {
				assertThat(actual).as("step %d: %s is gone", step, name).isNull();
				continue;
			}
			assertThat(actual).as("step %d: %s is there", step, name).isNotNull();
			assertThat(actual.generation()).as("step %d: %s", step, name).isEqualTo(expected.generation());
			assertThat(actual.pods()).as("step %d: pods of %s", step, name).hasSameSizeAs(expected.pods());
			assertThat(actual.node() == null).as("step %d: Node object of %s", step, name)
				.isEqualTo(expected.node() == null);
		}
		assertThat(snapshot.nodes()).extracting((n) -> n.name()).isSorted();
	}

}
