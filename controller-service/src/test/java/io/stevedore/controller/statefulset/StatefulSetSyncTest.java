package io.stevedore.controller.statefulset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.controller.workload.ControllerExpectations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatefulSetSyncTest {

	private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final Map<String, StatefulSet> sets = new HashMap<>();

	private final List<Pod> pods = new ArrayList<>();

	private final List<ControllerRevision> revisions = new ArrayList<>();

	private final List<String> created = new ArrayList<>();

	private final List<String> deleted = new ArrayList<>();

	private final List<String> claims = new ArrayList<>();

	private StatefulSet updated;

	private final ControllerExpectations expectations = new ControllerExpectations(this.clock);

	private final StatefulSetSync sync = new StatefulSetSync(this.sets::get, (uid) -> List.copyOf(this.pods),
			(uid) -> List.copyOf(this.revisions), new StatefulSetControl() {
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
				public void createClaimIfAbsent(PersistentVolumeClaim claim) {
					StatefulSetSyncTest.this.claims.add(claim.getMetadata().getName());
				}

				@Override
				public void createRevisionIfAbsent(ControllerRevision revision) {
					StatefulSetSyncTest.this.revisions.add(revision);
				}

				@Override
				public void updateStatus(StatefulSet set) {
					StatefulSetSyncTest.this.updated = set;
				}
			}, this.expectations, this.clock);

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
			.addToLabels("controller-revision-hash", revision)
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
