package io.stevedore.controller.daemonset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.controller.replicaset.RecordingEventRecorder;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.ControllerHistory;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.RecordingCanAdopt;
import io.stevedore.controller.workload.RecordingRevisionWriter;
import io.stevedore.controller.workload.RevisionData;
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

	private final Map<String, List<OwnerReference>> patched = new HashMap<>();

	private final RecordingCanAdopt canAdopt = new RecordingCanAdopt();

	private final RecordingRevisionWriter history = new RecordingRevisionWriter();

	private final Map<String, String> relabelled = new HashMap<>();

	private DaemonSet updated;

	private final RecordingEventRecorder events = new RecordingEventRecorder();

	private final DaemonSetSync sync = new DaemonSetSync(this.daemonSets::get, () -> List.copyOf(this.nodes),
			(ds) -> List.copyOf(this.pods), (ds) -> List.copyOf(this.history.stored), new DaemonSetControl() {
				@Override
				public Pod createPod(Pod pod) {
					DaemonSetSyncTest.this.created.add(pod);
					return new io.fabric8.kubernetes.api.model.PodBuilder(pod).editMetadata()
						.withName(pod.getMetadata().getGenerateName() + DaemonSetSyncTest.this.created.size())
						.endMetadata()
						.build();
				}

				@Override
				public void deletePod(Pod pod) {
					DaemonSetSyncTest.this.deleted.add(pod.getMetadata().getName());
				}

				@Override
				public void patchOwnerReferences(HasMetadata object, List<OwnerReference> ownerReferences) {
					DaemonSetSyncTest.this.patched.put(object.getMetadata().getName(), ownerReferences);
				}

				@Override
				public void relabelPod(Pod pod, String hash) {
					DaemonSetSyncTest.this.relabelled.put(pod.getMetadata().getName(), hash);
				}

				@Override
				public void updateStatus(DaemonSet daemonSet) {
					DaemonSetSyncTest.this.updated = daemonSet;
				}
			}, this.history, new ControllerExpectations(this.clock), this.clock, this.canAdopt, this.events);

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
		assertThat(this.events.events).containsExactly("Normal SuccessfulCreate Created pod: agent-1",
				"Normal SuccessfulCreate Created pod: agent-2");
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
		assertThat(this.events.events).containsExactly("Normal SuccessfulDelete Deleted pod: agent-x");
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

	@Test
	void anOrphanOnANodeTheSelectorMatchesIsAdoptedAndNoSecondPodIsMadeThere() {
		DaemonSet ds = daemonSet();
		this.daemonSets.put("kube-system/agent", ds);
		this.nodes.add(node("a", Map.of()));
		this.nodes.add(node("b", Map.of()));
		this.pods.add(orphan(pod("loose", "a", hash(ds), true)));

		this.sync.reconcile("kube-system/agent");

		assertThat(this.canAdopt.asked).containsExactly("agent");
		assertThat(this.patched.get("loose")).singleElement().satisfies(ref -> {
			assertThat(ref.getUid()).isEqualTo("ds-uid");
			assertThat(ref.getController()).isTrue();
			assertThat(ref.getBlockOwnerDeletion()).isTrue();
		});
		assertThat(this.created).extracting(DaemonPods::nodeOf).containsExactly("b");
		assertThat(this.updated.getStatus().getCurrentNumberScheduled()).isEqualTo(1);
		assertThat(this.updated.getStatus().getNumberReady()).isEqualTo(1);
	}

	@Test
	void aPodWhoseLabelsStoppedMatchingIsReleasedAndItsNodeGetsANewOne() {
		DaemonSet ds = daemonSet();
		this.daemonSets.put("kube-system/agent", ds);
		this.nodes.add(node("a", Map.of()));
		Pod relabelled = pod("agent-a", "a", hash(ds), true);
		relabelled.getMetadata().setLabels(Map.of("app", "debug"));
		Pod theirs = pod("theirs", "a", hash(ds), true);
		theirs.getMetadata().getOwnerReferences().get(0).setUid("other-uid");
		this.pods.add(relabelled);
		this.pods.add(theirs);

		this.sync.reconcile("kube-system/agent");

		assertThat(this.patched).containsOnlyKeys("agent-a");
		assertThat(this.patched.get("agent-a")).isEmpty();
		assertThat(this.deleted).isEmpty();
		assertThat(this.created).extracting(DaemonPods::nodeOf).containsExactly("a");
	}

	@Test
	void aDaemonSetBeingDeletedAdoptsNothing() {
		DaemonSet ds = daemonSet();
		ds.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
		this.daemonSets.put("kube-system/agent", ds);
		this.pods.add(orphan(pod("loose", "a", hash(ds), true)));

		this.sync.reconcile("kube-system/agent");

		assertThat(this.patched).isEmpty();
		assertThat(this.canAdopt.asked).isEmpty();
	}

	@Test
	void aDaemonSetGetsItsFirstRevisionNamedAfterTheTemplateHashAndItsPodsCarryThatHash() {
		DaemonSet ds = daemonSet();
		ds.getMetadata().setAnnotations(Map.of("kubernetes.io/change-cause", "first"));
		this.daemonSets.put("kube-system/agent", ds);
		this.nodes.add(node("a", Map.of()));

		this.sync.reconcile("kube-system/agent");

		String hash = hash(ds);
		assertThat(this.history.stored).singleElement().satisfies(revision -> {
			assertThat(revision.getMetadata().getName()).isEqualTo("agent-" + hash);
			assertThat(revision.getMetadata().getLabels()).containsEntry("app", "agent")
				.containsEntry("controller-revision-hash", hash);
			assertThat(revision.getMetadata().getAnnotations()).containsEntry("kubernetes.io/change-cause", "first");
			assertThat(revision.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
				assertThat(ref.getUid()).isEqualTo("ds-uid");
				assertThat(ref.getController()).isTrue();
			});
			assertThat(revision.getRevision()).isEqualTo(1L);
			assertThat(Serialization.asJson(revision.getData())).isEqualTo(RevisionData.of(ds.getSpec().getTemplate()))
				.startsWith("{\"spec\":{\"template\":{\"$patch\":\"replace\",");
			assertThat(ControllerHistory.templateOf(revision).getSpec().getContainers().get(0).getImage())
				.isEqualTo("busybox");
		});
		assertCreatedOnePodOf(hash);
	}

	@Test
	void aChangedTemplateGetsTheNextRevisionAndOnlyItsPodsCountAsUpdated() {
		DaemonSet ds = daemonSet();
		this.daemonSets.put("kube-system/agent", ds);
		this.sync.reconcile("kube-system/agent");
		DaemonSet changed = withImage(daemonSet(), "busybox:2");
		this.daemonSets.put("kube-system/agent", changed);
		this.nodes.add(node("a", Map.of()));
		this.nodes.add(node("b", Map.of()));
		this.pods.add(pod("agent-a", "a", hash(ds), true));
		this.pods.add(pod("agent-b", "b", hash(changed), true));

		this.sync.reconcile("kube-system/agent");

		assertThat(this.history.stored).extracting(r -> r.getMetadata().getName() + "@" + r.getRevision())
			.containsExactly("agent-" + hash(ds) + "@1", "agent-" + hash(changed) + "@2");
		assertThat(this.updated.getStatus().getUpdatedNumberScheduled()).isEqualTo(1);
		assertThat(this.updated.getStatus().getObservedGeneration()).isEqualTo(2L);
		assertThat(this.deleted).containsExactly("agent-a");
	}

	@Test
	void aTemplateChangedBackReusesItsRevisionRenumberedAsTheNewestInsteadOfADuplicate() {
		DaemonSet first = daemonSet();
		this.daemonSets.put("kube-system/agent", first);
		this.sync.reconcile("kube-system/agent");
		this.daemonSets.put("kube-system/agent", withImage(daemonSet(), "busybox:2"));
		this.sync.reconcile("kube-system/agent");
		this.daemonSets.put("kube-system/agent", daemonSet());

		this.sync.reconcile("kube-system/agent");

		assertThat(this.history.created).hasSize(2);
		assertThat(this.history.renumbered).containsExactly(Map.entry("agent-" + hash(first), 3L));
		assertThat(this.history.stored).hasSize(2);
	}

	@Test
	void oldRevisionsBeyondTheHistoryLimitAreDeletedOldestFirstExceptOneALivePodRuns() {
		for (String image : List.of("v1", "v2", "v3", "v4")) {
			this.daemonSets.put("kube-system/agent", withImage(daemonSet(), image));
			this.sync.reconcile("kube-system/agent");
		}
		DaemonSet ds = withImage(daemonSet(), "v5");
		ds.getSpec().setRevisionHistoryLimit(1);
		ds.getSpec().getUpdateStrategy().setType("OnDelete");
		this.daemonSets.put("kube-system/agent", ds);
		this.nodes.add(node("a", Map.of()));
		this.pods.add(pod("agent-a", "a", hash(withImage(daemonSet(), "v1")), true));

		this.sync.reconcile("kube-system/agent");

		assertThat(this.history.deleted).containsExactly("agent-" + hash(withImage(daemonSet(), "v2")),
				"agent-" + hash(withImage(daemonSet(), "v3")), "agent-" + hash(withImage(daemonSet(), "v4")));
		assertThat(this.history.stored).extracting(r -> r.getMetadata().getName())
			.containsExactlyInAnyOrder("agent-" + hash(withImage(daemonSet(), "v1")), "agent-" + hash(ds));
	}

	@Test
	void theDefaultHistoryLimitKeepsTenOldRevisions() {
		for (int i = 1; i <= 12; i++) {
			this.daemonSets.put("kube-system/agent", withImage(daemonSet(), "v" + i));
			this.sync.reconcile("kube-system/agent");
		}

		assertThat(this.history.deleted).containsExactly("agent-" + hash(withImage(daemonSet(), "v1")));
		assertThat(this.history.stored).hasSize(11);
	}

	@Test
	void anOrphanRevisionTheSelectorMatchesIsAdoptedAndAnOwnOneThatStoppedMatchingIsReleased() {
		DaemonSet ds = daemonSet();
		this.daemonSets.put("kube-system/agent", ds);
		this.sync.reconcile("kube-system/agent");
		ControllerRevision own = this.history.stored.get(0);
		ControllerRevision relabelled = Serialization.clone(own);
		relabelled.getMetadata().setName("agent-relabelled");
		relabelled.getMetadata().setUid("uid-relabelled");
		relabelled.getMetadata().setLabels(Map.of("app", "debug"));
		ControllerRevision orphan = Serialization.clone(own);
		orphan.getMetadata().setName("agent-orphan");
		orphan.getMetadata().setUid("uid-orphan");
		orphan.getMetadata().setOwnerReferences(new ArrayList<>());
		orphan.setData(Map.of());
		this.history.stored.add(relabelled);
		this.history.stored.add(orphan);

		this.sync.reconcile("kube-system/agent");

		assertThat(this.canAdopt.asked).containsExactly("agent");
		assertThat(this.patched).containsOnlyKeys("agent-orphan", "agent-relabelled");
		assertThat(this.patched.get("agent-orphan")).singleElement()
			.satisfies(ref -> assertThat(ref.getUid()).isEqualTo("ds-uid"));
		assertThat(this.patched.get("agent-relabelled")).isEmpty();
	}

	@Test
	void aRevisionOfAnotherTemplateHoldingTheNameBumpsTheCollisionCountAndTheNextSyncUsesANewHash() {
		DaemonSet ds = daemonSet();
		this.daemonSets.put("kube-system/agent", ds);
		this.sync.reconcile("kube-system/agent");
		// Another template under the name, as the apiserver would store it: a new
		// resourceVersion.
		this.history.stored.get(0).setData(Map.of("spec", Map.of("template", Map.of("$patch", "replace"))));
		this.history.stored.get(0).getMetadata().setResourceVersion("2");
		this.nodes.add(node("a", Map.of()));

		this.sync.reconcile("kube-system/agent");

		assertThat(this.created).isEmpty();
		assertThat(this.updated.getStatus().getCollisionCount()).isEqualTo(1);
		this.daemonSets.put("kube-system/agent", this.updated);

		this.sync.reconcile("kube-system/agent");

		String hash = TemplateHash.of(ds.getSpec().getTemplate(), 1);
		assertThat(this.history.created).containsExactly("agent-" + hash(ds), "agent-" + hash);
		assertCreatedOnePodOf(hash);
	}

	@Test
	void aDuplicateOfTheCurrentRevisionIsDeletedAfterItsPodsAreRelabelled() {
		DaemonSet ds = daemonSet();
		this.daemonSets.put("kube-system/agent", ds);
		this.sync.reconcile("kube-system/agent");
		ControllerRevision duplicate = Serialization.clone(this.history.stored.get(0));
		duplicate.getMetadata().setName("agent-dup");
		duplicate.getMetadata().setUid("uid-dup");
		duplicate.getMetadata().getLabels().put("controller-revision-hash", "dup");
		duplicate.setRevision(0L);
		this.history.stored.add(duplicate);
		this.nodes.add(node("a", Map.of()));
		this.pods.add(pod("agent-a", "a", "dup", true));

		this.sync.reconcile("kube-system/agent");

		assertThat(this.relabelled).containsExactly(Map.entry("agent-a", hash(ds)));
		assertThat(this.history.deleted).containsExactly("agent-dup");
	}

	private void assertCreatedOnePodOf(String hash) {
		assertThat(this.created).singleElement()
			.satisfies(
					pod -> assertThat(pod.getMetadata().getLabels()).containsEntry("controller-revision-hash", hash));
	}

	private static DaemonSet withImage(DaemonSet ds, String image) {
		ds.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
		ds.getMetadata().setGeneration(ds.getMetadata().getGeneration() + 1);
		return ds;
	}

	private static Pod orphan(Pod pod) {
		pod.getMetadata().setOwnerReferences(new ArrayList<>());
		return pod;
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
			.addToLabels("app", "agent")
			.addToLabels("controller-revision-hash", hash)
			.withOwnerReferences(ControllerRefs.of(daemonSet()))
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
