package io.stevedore.controller.replicaset;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.CanAdopt;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.ControllerRefs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicaSetSyncTest {

	static final String NS = "shop";

	final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:10:00Z"));

	final InMemoryLister<ReplicaSet> replicaSets = new InMemoryLister<>();

	final InMemoryLister<Pod> pods = new InMemoryLister<>();

	final FakePodControl podControl = new FakePodControl();

	final List<ReplicaSetStatus> statuses = new ArrayList<>();

	final ControllerExpectations expectations = new ControllerExpectations(this.clock);

	final RecordingEventRecorder events = new RecordingEventRecorder();

	final ReplicaSetSync sync = new ReplicaSetSync(this.replicaSets, this.pods::claimCandidates, this.podControl,
			(rs, status) -> this.statuses.add(status), this.expectations, this.events, this.clock, CanAdopt.ALWAYS);

	@Test
	void createsPodsFromTheTemplateUntilReplicasAreReached() throws Exception {
		ReplicaSet rs = replicaSet("web", 3);
		this.replicaSets.put(rs);

		this.sync.reconcile("shop/web");

		assertThat(this.podControl.created).hasSize(3).allSatisfy(pod -> {
			assertThat(pod.getMetadata().getLabels()).containsEntry("app", "web");
			assertThat(ControllerRefs.isControlledBy(pod, rs.getMetadata().getUid())).isTrue();
		});
		assertThat(this.events.events).hasSize(3)
			.allSatisfy(e -> assertThat(e).startsWith("Normal SuccessfulCreate Created pod: web-"));
	}

	@Test
	void doesNotCreateAgainWhileItsOwnCreationsAreUnobserved() throws Exception {
		this.replicaSets.put(replicaSet("web", 3));
		this.sync.reconcile("shop/web");

		this.sync.reconcile("shop/web");

		assertThat(this.podControl.created).hasSize(3);
	}

	@Test
	void createsAgainOnceItsCreationsAreObserved() throws Exception {
		this.replicaSets.put(replicaSet("web", 3));
		this.sync.reconcile("shop/web");
		this.podControl.created.stream().limit(2).forEach(pod -> {
			pod.getMetadata().setNamespace(NS);
			this.pods.put(pod);
		});
		for (int i = 0; i < 3; i++) {
			this.expectations.creationObserved("shop/web");
		}

		this.sync.reconcile("shop/web");

		assertThat(this.podControl.created).hasSize(4);
	}

	@Test
	void actsAgainWhenUnobservedCreationsExpireAfterFiveMinutes() throws Exception {
		this.replicaSets.put(replicaSet("web", 2));
		this.sync.reconcile("shop/web");

		this.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
		this.sync.reconcile("shop/web");

		assertThat(this.podControl.created).hasSize(4);
	}

	@Test
	void scalingDownDeletesUnscheduledThenNotReadyPodsBeforeReadyOnes() throws Exception {
		ReplicaSet rs = replicaSet("web", 1);
		this.replicaSets.put(rs);
		this.pods.put(pod("a-ready", rs, true, "node-1", "2026-01-01T00:00:00Z"));
		this.pods.put(pod("b-unscheduled", rs, false, null, "2026-01-01T00:00:00Z"));
		this.pods.put(pod("c-not-ready", rs, false, "node-1", "2026-01-01T00:00:00Z"));

		this.sync.reconcile("shop/web");

		assertThat(this.podControl.deleted).containsExactlyInAnyOrder("b-unscheduled", "c-not-ready");
		assertThat(this.events.events).containsExactlyInAnyOrder("Normal SuccessfulDelete Deleted pod: b-unscheduled",
				"Normal SuccessfulDelete Deleted pod: c-not-ready");
	}

	/**
	 * The pod's own delete event may have been handled before this sync raised its
	 * expectations, so none will lower them: the 404 must (as Kubernetes'
	 * manageReplicas), or the ReplicaSet stops acting for five minutes.
	 */
	@Test
	void aPodAlreadyGoneWhenItIsDeletedDoesNotHoldBackTheNextScaleDown() throws Exception {
		ReplicaSet rs = replicaSet("web", 1);
		this.replicaSets.put(rs);
		this.pods.put(pod("a", rs, true, "node-1", "2026-01-01T00:00:00Z"));
		this.pods.put(pod("b", rs, true, "node-1", "2026-01-01T00:01:00Z"));
		this.pods.put(pod("c", rs, true, "node-1", "2026-01-01T00:02:00Z"));
		this.podControl.alreadyGone.add("b");
		this.sync.reconcile("shop/web");
		assertThat(this.podControl.deleted).containsExactly("c");
		assertThat(this.events.events).containsExactly("Normal SuccessfulDelete Deleted pod: c");
		// The informer sees c go and b's removal; the user then scales to zero.
		this.expectations.deletionObserved("shop/web");
		this.pods.remove(this.pods.get(NS, "b"));
		this.pods.remove(this.pods.get(NS, "c"));
		this.replicaSets.put(replicaSet("web", 0));

		this.sync.reconcile("shop/web");

		assertThat(this.podControl.deleted).containsExactly("c", "a");
	}

	@Test
	void amongEqualPodsTheNewestIsDeletedFirst() throws Exception {
		ReplicaSet rs = replicaSet("web", 1);
		this.replicaSets.put(rs);
		this.pods.put(pod("old", rs, true, "node-1", "2026-01-01T00:00:00Z"));
		this.pods.put(pod("new", rs, true, "node-1", "2026-01-01T00:05:00Z"));

		this.sync.reconcile("shop/web");

		assertThat(this.podControl.deleted).containsExactly("new");
	}

	@Test
	void adoptsAnOrphanThatMatchesItsSelectorInsteadOfCreating() throws Exception {
		ReplicaSet rs = replicaSet("web", 1);
		this.replicaSets.put(rs);
		this.pods.put(pod("orphan", null, true, "node-1", "2026-01-01T00:00:00Z"));

		this.sync.reconcile("shop/web");

		assertThat(this.podControl.patched).containsExactly("orphan");
		assertThat(this.podControl.patchedRefs.get(0)).singleElement().satisfies(ref -> {
			assertThat(ref.getUid()).isEqualTo(rs.getMetadata().getUid());
			assertThat(ref.getController()).isTrue();
			assertThat(ref.getBlockOwnerDeletion()).isTrue();
		});
		assertThat(this.podControl.created).isEmpty();
	}

	@Test
	void releasesItsPodWhoseLabelsNoLongerMatchAndReplacesIt() throws Exception {
		ReplicaSet rs = replicaSet("web", 1);
		this.replicaSets.put(rs);
		Pod relabelled = pod("debugging", rs, true, "node-1", "2026-01-01T00:00:00Z");
		relabelled.getMetadata().setLabels(Map.of("app", "debug"));
		this.pods.put(relabelled);

		this.sync.reconcile("shop/web");

		assertThat(this.podControl.patched).containsExactly("debugging");
		assertThat(this.podControl.patchedRefs.get(0)).isEmpty();
		assertThat(this.podControl.created).hasSize(1);
	}

	@Test
	void leavesPodsControlledByAnotherOwnerAlone() throws Exception {
		ReplicaSet rs = replicaSet("web", 1);
		ReplicaSet other = replicaSet("other", 1);
		this.replicaSets.put(rs);
		this.pods.put(pod("theirs", other, true, "node-1", "2026-01-01T00:00:00Z"));

		this.sync.reconcile("shop/web");

		assertThat(this.podControl.patched).isEmpty();
		assertThat(this.podControl.deleted).isEmpty();
		assertThat(this.podControl.created).hasSize(1);
	}

	@Test
	void terminatingAndFinishedPodsDoNotCountAndAreReplaced() throws Exception {
		ReplicaSet rs = replicaSet("web", 2);
		this.replicaSets.put(rs);
		Pod terminating = pod("terminating", rs, true, "node-1", "2026-01-01T00:00:00Z");
		terminating.getMetadata().setDeletionTimestamp("2026-01-01T00:09:00Z");
		Pod finished = pod("finished", rs, false, "node-1", "2026-01-01T00:00:00Z");
		finished.getStatus().setPhase("Succeeded");
		this.pods.put(terminating).put(finished);

		this.sync.reconcile("shop/web");

		assertThat(this.podControl.created).hasSize(2);
		assertThat(this.podControl.deleted).isEmpty();
	}

	@Test
	void statusCountsReplicasReadyFullyLabeledAndAvailableAfterMinReadySeconds() throws Exception {
		ReplicaSet rs = replicaSet("web", 3);
		rs.getSpec().setMinReadySeconds(60);
		this.replicaSets.put(rs);
		this.pods.put(pod("ready-long-ago", rs, true, "n", "2026-01-01T00:00:00Z"));
		Pod justReady = pod("just-ready", rs, true, "n", "2026-01-01T00:00:00Z");
		justReady.getStatus().getConditions().get(0).setLastTransitionTime("2026-01-01T00:09:30Z");
		Pod partlyLabelled = pod("partly-labelled", rs, false, "n", "2026-01-01T00:00:00Z");
		partlyLabelled.getMetadata().setLabels(Map.of("app", "web"));
		this.pods.put(justReady).put(partlyLabelled);

		Result result = this.sync.reconcile("shop/web");

		assertThat(this.statuses).singleElement().satisfies(status -> {
			assertThat(status.getReplicas()).isEqualTo(3);
			assertThat(status.getFullyLabeledReplicas()).isEqualTo(2);
			assertThat(status.getReadyReplicas()).isEqualTo(2);
			assertThat(status.getAvailableReplicas()).isEqualTo(1);
			assertThat(status.getObservedGeneration()).isEqualTo(4L);
		});
		assertThat(result.requeue()).isFalse();
	}

	@Test
	void looksAgainAfterMinReadySecondsWhenAllPodsAreReadyButNotYetAvailable() throws Exception {
		ReplicaSet rs = replicaSet("web", 1);
		rs.getSpec().setMinReadySeconds(30);
		this.replicaSets.put(rs);
		Pod justReady = pod("just-ready", rs, true, "n", "2026-01-01T00:00:00Z");
		justReady.getStatus().getConditions().get(0).setLastTransitionTime("2026-01-01T00:09:50Z");
		this.pods.put(justReady);

		Result result = this.sync.reconcile("shop/web");

		assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void aFailedCreationStopsTheBatchAndIsReportedAsReplicaFailure() {
		this.podControl.failCreationsAfter(1);
		this.replicaSets.put(replicaSet("web", 10));

		assertThatThrownBy(() -> this.sync.reconcile("shop/web")).isInstanceOf(KubernetesClientException.class)
			.hasMessageContaining("exceeded quota");

		// Slow start: a batch of 1 succeeds, the batch of 2 fails, nothing after.
		assertThat(this.podControl.created).hasSize(1);
		assertThat(this.statuses).singleElement()
			.satisfies(status -> assertThat(status.getConditions()).singleElement().satisfies(c -> {
				assertThat(c.getType()).isEqualTo("ReplicaFailure");
				assertThat(c.getReason()).isEqualTo("FailedCreate");
				assertThat(c.getMessage()).contains("exceeded quota");
			}));
		assertThat(this.expectations.satisfied("shop/web")).as("failed creations are not awaited").isFalse();
		assertThat(this.events.events)
			.contains("Warning FailedCreate Error creating: pods \"x\" is forbidden: exceeded quota");
	}

	@Test
	void aReplicaSetBeingDeletedCreatesNothing() throws Exception {
		ReplicaSet rs = replicaSet("web", 3);
		rs.getMetadata().setDeletionTimestamp("2026-01-01T00:09:00Z");
		this.replicaSets.put(rs);

		this.sync.reconcile("shop/web");

		assertThat(this.podControl.created).isEmpty();
	}

	@Test
	void aVanishedReplicaSetForgetsItsExpectations() throws Exception {
		this.expectations.expectCreations("shop/gone", 3);

		assertThat(this.sync.reconcile("shop/gone").requeue()).isFalse();
		assertThat(this.expectations.satisfied("shop/gone")).isTrue();
	}

	static ReplicaSet replicaSet(String name, int replicas) {
		return new ReplicaSetBuilder().withNewMetadata()
			.withName(name)
			.withNamespace(NS)
			.withUid("uid-" + name)
			.withGeneration(4L)
			.endMetadata()
			.withNewSpec()
			.withReplicas(replicas)
			.withNewSelector()
			.addToMatchLabels("app", name)
			.endSelector()
			.withNewTemplate()
			.withNewMetadata()
			.addToLabels("app", name)
			.addToLabels("tier", "front")
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withImage("nginx")
			.endContainer()
			.endSpec()
			.endTemplate()
			.endSpec()
			.build();
	}

	/**
	 * A pod of the owner's template; {@code owner} null for an orphan labelled app=web.
	 */
	static Pod pod(String name, ReplicaSet owner, boolean ready, String node, String created) {
		PodBuilder builder = new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace(NS)
			.withUid("uid-" + name)
			.withResourceVersion("7")
			.withCreationTimestamp(created)
			.withLabels(owner == null ? Map.of("app", "web", "tier", "front")
					: owner.getSpec().getTemplate().getMetadata().getLabels())
			.endMetadata()
			.withNewSpec()
			.withNodeName(node)
			.addNewContainer()
			.withName("app")
			.withImage("nginx")
			.endContainer()
			.endSpec()
			.withNewStatus()
			.withPhase(node == null ? "Pending" : "Running")
			.withConditions(new PodConditionBuilder().withType("Ready")
				.withStatus(ready ? "True" : "False")
				.withLastTransitionTime(created)
				.build())
			.endStatus();
		if (owner != null) {
			builder.editMetadata().withOwnerReferences(ControllerRefs.of(owner)).endMetadata();
		}
		return builder.build();
	}

}
