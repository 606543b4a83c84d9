package io.stevedore.controller.daemonset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.TemplateHash;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DaemonSetSyncTest {

	private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final Map<String, DaemonSet> daemonSets = new HashMap<>();

	private final List<Node> nodes = new ArrayList<>();

	private final List<Pod> pods = new ArrayList<>();

	private final List<Pod> created = new ArrayList<>();

	private final List<String> deleted = new ArrayList<>();

	private DaemonSet updated;

	private final DaemonSetSync sync = new DaemonSetSync(this.daemonSets::get, () -> List.copyOf(this.nodes),
			(uid) -> List.copyOf(this.pods), new DaemonSetControl() {
				@Override
				public void createPod(Pod pod) {
					DaemonSetSyncTest.this.created.add(pod);
				}

				@Override
				public void deletePod(Pod pod) {
					DaemonSetSyncTest.this.deleted.add(pod.getMetadata().getName());
				}

				@Override
				public void updateStatus(DaemonSet daemonSet) {
					DaemonSetSyncTest.this.updated = daemonSet;
				}
			}, new ControllerExpectations(this.clock), this.clock);

	@Test
	void everyNodeGetsOnePodPinnedByNodeAffinityWithTheDefaultTolerations() {
		this.daemonSets.put("kube-system/agent", daemonSet());
		this.nodes.add(node("a", Map.of()));
		this.nodes.add(node("b", Map.of()));

		this.sync.reconcile("kube-system/agent");

		assertThat(this.created).extracting(DaemonPods::nodeOf).containsExactlyInAnyOrder("a", "b");
		Pod pod = this.created.get(0);
		assertThat(pod.getSpec().getNodeName()).as("the scheduler binds it").isNull();
		assertThat(pod.getSpec().getTolerations()).extracting(t -> t.getKey() + ":" + t.getEffect())
			.contains("node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/not-ready:NoExecute",
					"node.kubernetes.io/unschedulable:NoSchedule");
		assertThat(pod.getMetadata().getLabels()).containsKey("controller-revision-hash");
		assertThat(this.updated.getStatus().getDesiredNumberScheduled()).isEqualTo(2);
	}

	@Test
	void nodesNotMatchingTheNodeSelectorOrWithAnUntoleratedTaintGetNoPod() {
		DaemonSet ds = daemonSet();
		ds.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("disk", "ssd"));
		this.daemonSets.put("kube-system/agent", ds);
		this.nodes.add(node("ssd", Map.of("disk", "ssd")));
		this.nodes.add(node("hdd", Map.of("disk", "hdd")));
		Node tainted = node("gpu", Map.of("disk", "ssd"));
		tainted.getSpec().setTaints(List.of(new io.fabric8.kubernetes.api.model.Taint("NoSchedule", "gpu", null, "x")));
		this.nodes.add(tainted);

		this.sync.reconcile("kube-system/agent");

		assertThat(this.created).extracting(DaemonPods::nodeOf).containsExactly("ssd");
	}

	@Test
	void aPodOnANodeThatNoLongerFitsIsDeletedAndTheStatusCountsItMisscheduled() {
		DaemonSet ds = daemonSet();
		ds.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("disk", "ssd"));
		this.daemonSets.put("kube-system/agent", ds);
		this.nodes.add(node("hdd", Map.of("disk", "hdd")));
		this.pods.add(pod("agent-x", "hdd", hash(ds), true));

		this.sync.reconcile("kube-system/agent");

		assertThat(this.deleted).containsExactly("agent-x");
		assertThat(this.updated.getStatus().getNumberMisscheduled()).isEqualTo(1);
	}

	@Test
	void podsOfNodesThatLeftAreDeleted() {
		this.daemonSets.put("kube-system/agent", daemonSet());
		this.pods.add(pod("agent-x", "gone", hash(daemonSet()), true));

		this.sync.reconcile("kube-system/agent");

		assertThat(this.deleted).containsExactly("agent-x");
	}

	@Test
	void aRollingUpdateReplacesAtMostMaxUnavailableAvailablePodsAtATime() {
		DaemonSet ds = daemonSet();
		this.daemonSets.put("kube-system/agent", ds);
		for (String n : List.of("a", "b", "c")) {
			this.nodes.add(node(n, Map.of()));
			this.pods.add(pod("agent-" + n, n, "old", true));
		}

		this.sync.reconcile("kube-system/agent");

		assertThat(this.deleted).hasSize(1);
		assertThat(this.updated.getStatus().getUpdatedNumberScheduled()).isZero();
	}

	@Test
	void aPercentMaxUnavailableIsRoundedUp() {
		DaemonSet ds = daemonSet();
		ds.getSpec().getUpdateStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString("50%"));

		assertThat(DaemonSetSync.maxUnavailable(ds, 3)).isEqualTo(2);
	}

	@Test
	void onDeleteLeavesOldPodsAlone() {
		DaemonSet ds = daemonSet();
		ds.getSpec().getUpdateStrategy().setType("OnDelete");
		this.daemonSets.put("kube-system/agent", ds);
		this.nodes.add(node("a", Map.of()));
		this.pods.add(pod("agent-a", "a", "old", true));

		this.sync.reconcile("kube-system/agent");

		assertThat(this.deleted).isEmpty();
		assertThat(this.created).isEmpty();
	}

	private static String hash(DaemonSet ds) {
		return TemplateHash.of(ds.getSpec().getTemplate(), null);
	}

	private static DaemonSet daemonSet() {
		return new DaemonSetBuilder().withApiVersion("apps/v1")
			.withKind("DaemonSet")
			.withNewMetadata()
			.withNamespace("kube-system")
			.withName("agent")
			.withUid("ds-uid")
			.withGeneration(1L)
			.endMetadata()
			.withNewSpec()
			.withNewSelector()
			.addToMatchLabels("app", "agent")
			.endSelector()
			.withNewUpdateStrategy()
			.withType("RollingUpdate")
			.withNewRollingUpdate()
			.withMaxUnavailable(new IntOrString(1))
			.endRollingUpdate()
			.endUpdateStrategy()
			.withNewTemplate()
			.withNewMetadata()
			.addToLabels("app", "agent")
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("agent")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.endTemplate()
			.endSpec()
			.build();
	}

	private static Node node(String name, Map<String, String> labels) {
		return new NodeBuilder().withNewMetadata()
			.withName(name)
			.withLabels(labels)
			.endMetadata()
			.withNewSpec()
			.endSpec()
			.build();
	}

	private static Pod pod(String name, String node, String hash, boolean ready) {
		return new PodBuilder().withNewMetadata()
			.withNamespace("kube-system")
			.withName(name)
			.addToLabels("controller-revision-hash", hash)
			.endMetadata()
			.withNewSpec()
			.withNodeName(node)
			.endSpec()
			.withNewStatus()
			.withPhase("Running")
			.addNewCondition()
			.withType("Ready")
			.withStatus(ready ? "True" : "False")
			.endCondition()
			.endStatus()
			.build();
	}

}
