package io.stevedore.controller.statefulset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.controller.replicaset.RecordingEventRecorder;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.RecordingCanAdopt;
import io.stevedore.controller.workload.RecordingRevisionWriter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatefulSetSyncTest {

	private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final Map<String, StatefulSet> sets = new HashMap<>();

	private final List<Pod> pods = new ArrayList<>();

	private final RecordingRevisionWriter history = new RecordingRevisionWriter();

	private final List<ControllerRevision> revisions = this.history.stored;

	private final List<String> created = new ArrayList<>();

	private final List<String> deleted = new ArrayList<>();

	private final List<String> claims = new ArrayList<>();

	private final Map<String, List<OwnerReference>> patched = new HashMap<>();

	private final RecordingCanAdopt canAdopt = new RecordingCanAdopt();

	private StatefulSet updated;

	private final ControllerExpectations expectations = new ControllerExpectations(this.clock);

	private final RecordingEventRecorder events = new RecordingEventRecorder();

	private final StatefulSetSync sync = new StatefulSetSync(this.sets::get, (set) -> List.copyOf(this.pods),
			(set) -> List.copyOf(this.revisions), new StatefulSetControl() {
				@Override
				public void createPod(Pod pod) {
					StatefulSetSyncTest.this.created.add(pod.getMetadata().getName());
					StatefulSetSyncTest.this.lastPod = pod;
				}

				@Override
				public void deletePod(Pod pod) {
					StatefulSetSyncTest.this.deleted.add(pod.getMetadata().getName());
				}

				@Override
				public boolean createClaimIfAbsent(PersistentVolumeClaim claim) {
					return StatefulSetSyncTest.this.claims.add(claim.getMetadata().getName());
				}

				@Override
				public void patchOwnerReferences(HasMetadata object, List<OwnerReference> ownerReferences) {
					StatefulSetSyncTest.this.patched.put(object.getMetadata().getName(), ownerReferences);
				}

				@Override
				public void updateStatus(StatefulSet set) {
					StatefulSetSyncTest.this.updated = set;
				}
			}, this.history, this.expectations, this.clock, this.canAdopt, this.events);

	private Pod lastPod;

	@Test
	void orderedReadyCreatesOrdinalZeroFirstWithItsClaimHostnameAndSubdomain() {
		this.sets.put("db/web", set(3, "OrderedReady"));

		this.sync.reconcile("db/web");

		assertThat(this.created).containsExactly("web-0");
		assertThat(this.claims).containsExactly("data-web-0");
		assertThat(this.lastPod.getSpec().getHostname()).isEqualTo("web-0");
		assertThat(this.lastPod.getSpec().getSubdomain()).isEqualTo("web");
		assertThat(this.lastPod.getSpec().getVolumes()).anySatisfy(v -> {
			assertThat(v.getName()).isEqualTo("data");
			assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("data-web-0");
		});
		assertThat(this.lastPod.getMetadata().getLabels()).containsEntry("statefulset.kubernetes.io/pod-name", "web-0");
		assertThat(this.revisions).singleElement().satisfies(r -> assertThat(r.getRevision()).isEqualTo(1L));
		assertThat(this.events.events).containsExactly(
				"Normal SuccessfulCreate create Claim data-web-0 Pod web-0 in StatefulSet web success",
				"Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful");
	}

	@Test
	void orderedReadyWaitsForTheLowerOrdinalToBeReady() {
		this.sets.put("db/web", set(3, "OrderedReady"));
		this.sync.reconcile("db/web");
		this.pods.add(pod("web-0", revision(), false));
		this.expectations.forget("db/web");

		this.sync.reconcile("db/web");
		assertThat(this.created).containsExactly("web-0");

		this.pods.set(0, pod("web-0", revision(), true));
		this.sync.reconcile("db/web");
		assertThat(this.created).containsExactly("web-0", "web-1");
	}

	@Test
	void parallelCreatesEveryOrdinalAtOnce() {
		this.sets.put("db/web", set(3, "Parallel"));

		this.sync.reconcile("db/web");

		assertThat(this.created).containsExactly("web-0", "web-1", "web-2");
	}

	@Test
	void scalingDownDeletesTheHighestOrdinalFirstAndKeepsItsClaim() {
		this.sets.put("db/web", set(1, "OrderedReady"));
		this.sync.reconcile("db/web");
		this.created.clear();
		for (int i = 0; i < 3; i++) {
			this.pods.add(pod("web-" + i, revision(), true));
		}
		this.expectations.forget("db/web");

		this.sync.reconcile("db/web");

		assertThat(this.deleted).containsExactly("web-2");
		assertThat(this.events.events)
			.contains("Normal SuccessfulDelete delete Pod web-2 in StatefulSet web successful");
	}

	@Test
	void aRollingUpdateDeletesTheHighestOldOrdinalAtOrAboveThePartition() {
		StatefulSet set = set(3, "OrderedReady");
		set.getSpec().getUpdateStrategy().getRollingUpdate().setPartition(1);
		this.sets.put("db/web", set);
		for (int i = 0; i < 3; i++) {
			this.pods.add(pod("web-" + i, "web-old", true));
		}

		this.sync.reconcile("db/web");

		assertThat(this.deleted).containsExactly("web-2");
		assertThat(this.updated.getStatus().getUpdateRevision()).isNotEqualTo("web-old");
	}

	@Test
	void onDeleteLeavesOldPodsRunning() {
		StatefulSet set = set(2, "OrderedReady");
		set.getSpec().getUpdateStrategy().setType("OnDelete");
		this.sets.put("db/web", set);
		this.pods.add(pod("web-0", "web-old", true));
		this.pods.add(pod("web-1", "web-old", true));

		this.sync.reconcile("db/web");

		assertThat(this.deleted).isEmpty();
	}

	@Test
	void theStatusCountsReadyAndUpdatedReplicas() {
		this.sets.put("db/web", set(2, "OrderedReady"));
		this.sync.reconcile("db/web");
		this.pods.add(pod("web-0", revision(), true));
		this.pods.add(pod("web-1", revision(), true));
		this.expectations.forget("db/web");

		this.sync.reconcile("db/web");

		assertThat(this.updated.getStatus().getReadyReplicas()).isEqualTo(2);
		assertThat(this.updated.getStatus().getUpdatedReplicas()).isEqualTo(2);
		assertThat(this.updated.getStatus().getCurrentRevision()).isEqualTo(revision());
	}

	@Test
	void anOrphanNamedAfterAnOrdinalIsAdoptedAndNotCreatedAgain() {
		this.sets.put("db/web", set(1, "OrderedReady"));
		this.pods.add(orphan(pod("web-0", "old", false)));

		this.sync.reconcile("db/web");

		assertThat(this.canAdopt.asked).containsExactly("web");
		assertThat(this.patched.get("web-0")).singleElement().satisfies(ref -> {
			assertThat(ref.getUid()).isEqualTo("set-uid");
			assertThat(ref.getController()).isTrue();
			assertThat(ref.getBlockOwnerDeletion()).isTrue();
		});
		assertThat(this.created).isEmpty();
		assertThat(this.updated.getStatus().getReplicas()).isEqualTo(1);
	}

	@Test
	void anAdoptedPodWithoutLabelsCountsAsAnOldRevision() {
		StatefulSet set = set(1, "OrderedReady");
		set.getSpec()
			.setSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addNewMatchExpression()
				.withKey("tier")
				.withOperator("DoesNotExist")
				.endMatchExpression()
				.build());
		this.sets.put("db/web", set);
		Pod bare = orphan(pod("web-0", "old", true));
		bare.getMetadata().setLabels(null);
		this.pods.add(bare);

		this.sync.reconcile("db/web");

		assertThat(this.patched).containsOnlyKeys("web-0");
		assertThat(this.updated.getStatus().getReplicas()).isEqualTo(1);
		assertThat(this.updated.getStatus().getUpdatedReplicas()).isZero();
	}

	@Test
	void podsNotNamedAfterAnOrdinalAreNotAdoptedAndOwnedOnesAreReleased() {
		this.sets.put("db/web", set(1, "OrderedReady"));
		this.pods.add(orphan(pod("web-debug", "old", true)));
		this.pods.add(pod("stray", "old", true));
		Pod relabelled = pod("web-0", "old", true);
		relabelled.getMetadata().setLabels(Map.of("app", "debug"));
		this.pods.add(relabelled);

		this.sync.reconcile("db/web");

		assertThat(this.patched).containsOnlyKeys("stray", "web-0");
		assertThat(this.patched.get("stray")).isEmpty();
		assertThat(this.patched.get("web-0")).isEmpty();
		assertThat(this.canAdopt.asked).isEmpty();
		assertThat(this.updated.getStatus().getReplicas()).isZero();
	}

	@Test
	void orphanRevisionsTheSelectorMatchesAreAdoptedAndOwnRevisionsAreKept() {
		StatefulSet set = set(1, "OrderedReady");
		this.sets.put("db/web", set);
		this.sync.reconcile("db/web");
		ControllerRevision own = this.revisions.get(0);
		own.getMetadata().setLabels(Map.of("other", "labels"));
		ControllerRevision orphan = new ControllerRevisionBuilder().withNewMetadata()
			.withNamespace("db")
			.withName("web-orphaned")
			.addToLabels("app", "web")
			.endMetadata()
			.withRevision(7L)
			.build();
		ControllerRevision unrelated = new ControllerRevisionBuilder().withNewMetadata()
			.withNamespace("db")
			.withName("api-1")
			.addToLabels("app", "api")
			.endMetadata()
			.withRevision(1L)
			.build();
		this.revisions.add(orphan);
		this.revisions.add(unrelated);
		this.expectations.forget("db/web");

		this.sync.reconcile("db/web");

		assertThat(this.patched).containsOnlyKeys("web-orphaned");
		assertThat(this.patched.get("web-orphaned")).singleElement()
			.satisfies(ref -> assertThat(ref.getUid()).isEqualTo("set-uid"));
	}

	@Test
	void aPodBelowThePartitionRecreatedGetsTheCurrentRevisionsTemplateAsTheApiReturnsIt() {
		StatefulSet set = set(2, "OrderedReady");
		this.sets.put("db/web", set);
		this.sync.reconcile("db/web");
		String current = revision();
		// As the informer holds it: data read from JSON is a RawExtension, not a map.
		this.revisions.set(0, Serialization.clone(this.revisions.get(0)));
		StatefulSet updated = withImage(set(2, "OrderedReady"), "busybox:2");
		updated.getSpec().getUpdateStrategy().getRollingUpdate().setPartition(1);
		updated.setStatus(new StatefulSetStatusBuilder().withCurrentRevision(current).build());
		this.sets.put("db/web", updated);
		this.pods.add(pod("web-1", current, true));
		this.expectations.forget("db/web");

		this.sync.reconcile("db/web");

		assertThat(this.lastPod.getMetadata().getName()).isEqualTo("web-0");
		assertThat(this.lastPod.getMetadata().getLabels()).containsEntry("controller-revision-hash", current);
		assertThat(this.lastPod.getSpec().getContainers().get(0).getImage()).isEqualTo("busybox");
	}

	@Test
	void oldRevisionsBeyondTheHistoryLimitGoOldestFirstExceptTheCurrentOneAndThoseAPodRuns() {
		List<String> names = new ArrayList<>();
		for (String image : List.of("v1", "v2", "v3", "v4", "v5")) {
			this.sets.put("db/web", withImage(set(1, "OrderedReady"), image));
			this.sync.reconcile("db/web");
			names.add(this.revisions.get(this.revisions.size() - 1).getMetadata().getName());
		}
		StatefulSet set = withImage(set(1, "OrderedReady"), "v6");
		set.getSpec().setRevisionHistoryLimit(1);
		set.setStatus(new StatefulSetStatusBuilder().withCurrentRevision(names.get(1)).build());
		this.sets.put("db/web", set);
		this.pods.add(pod("web-0", names.get(0), true));

		this.sync.reconcile("db/web");

		assertThat(this.history.deleted).containsExactly(names.get(2), names.get(3));
		assertThat(this.revisions).extracting(r -> r.getMetadata().getName() + "@" + r.getRevision())
			.containsExactlyInAnyOrder(names.get(0) + "@1", names.get(1) + "@2", names.get(4) + "@5",
					this.revisions.get(this.revisions.size() - 1).getMetadata().getName() + "@6");
	}

	private static StatefulSet withImage(StatefulSet set, String image) {
		set.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
		return set;
	}

	@Test
	void aSetTheFreshReadFindsReplacedAdoptsNothingAndCreatesNothing() {
		this.sets.put("db/web", set(1, "OrderedReady"));
		this.pods.add(orphan(pod("web-0", "old", false)));
		this.canAdopt.refuse("original StatefulSet db/web is gone: got uid new, wanted set-uid");

		assertThatThrownBy(() -> this.sync.reconcile("db/web")).hasMessageContaining("can't adopt Pod db/web-0");

		assertThat(this.patched).isEmpty();
		assertThat(this.created).isEmpty();
	}

	private static Pod orphan(Pod pod) {
		pod.getMetadata().setOwnerReferences(new ArrayList<>());
		return pod;
	}

	private String revision() {
		return this.revisions.get(0).getMetadata().getName();
	}

	private static StatefulSet set(int replicas, String policy) {
		return new StatefulSetBuilder().withApiVersion("apps/v1")
			.withKind("StatefulSet")
			.withNewMetadata()
			.withNamespace("db")
			.withName("web")
			.withUid("set-uid")
			.withGeneration(1L)
			.endMetadata()
			.withNewSpec()
			.withReplicas(replicas)
			.withServiceName("web")
			.withPodManagementPolicy(policy)
			.withNewSelector()
			.addToMatchLabels("app", "web")
			.endSelector()
			.withNewUpdateStrategy()
			.withType("RollingUpdate")
			.withNewRollingUpdate()
			.withPartition(0)
			.endRollingUpdate()
			.endUpdateStrategy()
			.withNewTemplate()
			.withNewMetadata()
			.addToLabels("app", "web")
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.endTemplate()
			.withVolumeClaimTemplates(new PersistentVolumeClaimBuilder().withNewMetadata()
				.withName("data")
				.endMetadata()
				.withNewSpec()
				.withAccessModes("ReadWriteOnce")
				.endSpec()
				.build())
			.endSpec()
			.build();
	}

	private static Pod pod(String name, String revision, boolean ready) {
		return new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
			.withNamespace("db")
			.withName(name)
			.addToLabels("app", "web")
			.addToLabels("controller-revision-hash", revision)
			.withOwnerReferences(ControllerRefs.of(set(1, "OrderedReady")))
			.endMetadata()
			.withNewSpec()
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
