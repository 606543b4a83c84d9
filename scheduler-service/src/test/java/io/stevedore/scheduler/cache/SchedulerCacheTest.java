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

}
