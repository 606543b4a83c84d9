package io.stevedore.controller.deployment;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.replicaset.InMemoryLister;
import io.stevedore.controller.replicaset.RecordingEventRecorder;
import io.stevedore.controller.workload.CanAdopt;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeploymentSyncTest {

	static final String NS = "shop";

	final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:10:00Z"));

	final InMemoryLister<Deployment> deployments = new InMemoryLister<>();

	final InMemoryLister<ReplicaSet> replicaSets = new InMemoryLister<>();

	final InMemoryLister<Pod> pods = new InMemoryLister<>();

	final FakeDeploymentWrites writes = new FakeDeploymentWrites(this.deployments, this.replicaSets);

	final RecordingEventRecorder events = new RecordingEventRecorder();

	final DeploymentSync sync = new DeploymentSync(this.deployments, this.replicaSets,
			this.replicaSets::claimCandidates, this.pods::controlledBy, this.writes, this.events, this.clock,
			CanAdopt.ALWAYS);

	@Test
	void aNewDeploymentGetsAReplicaSetNamedByTemplateHashAtRevisionOne() {
		given(deployment(3, "web:1"));

		sync();

		assertThat(this.writes.created).singleElement().satisfies(rs -> {
			String hash = rs.getMetadata().getLabels().get("pod-template-hash");
			assertThat(hash).isNotEmpty();
			assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
			assertThat(rs.getSpec().getSelector().getMatchLabels()).containsEntry("app", "web")
				.containsEntry("pod-template-hash", hash);
			assertThat(rs.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("pod-template-hash", hash);
			assertThat(rs.getSpec().getReplicas()).isEqualTo(3);
			assertThat(rs.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1")
				.containsEntry("deployment.kubernetes.io/desired-replicas", "3")
				.containsEntry("deployment.kubernetes.io/max-replicas", "4");
			assertThat(rs.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
				assertThat(ref.getKind()).isEqualTo("Deployment");
				assertThat(ref.getController()).isTrue();
				assertThat(ref.getBlockOwnerDeletion()).isTrue();
			});
		});
		Deployment d = current();
		assertThat(d.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");
		assertThat(condition(d, "Progressing").getReason()).isEqualTo("NewReplicaSetCreated");
		assertThat(condition(d, "Available").getStatus()).isEqualTo("False");
		assertThat(d.getStatus().getObservedGeneration()).isEqualTo(1L);
		assertThat(this.events.events).containsExactly("Normal ScalingReplicaSet Scaled up replica set "
				+ onlyReplicaSet().getMetadata().getName() + " from 0 to 3");
	}

	@Test
	void theSameTemplateAlwaysHashesToTheSameNameAndAnotherTemplateToAnother() {
		var a = deployment(1, "web:1").getSpec().getTemplate();
		var b = deployment(1, "web:2").getSpec().getTemplate();

		assertThat(DeploymentUtil.computeHash(a, null))
			.isEqualTo(DeploymentUtil.computeHash(Serialization.clone(a), null))
			.isNotEqualTo(DeploymentUtil.computeHash(b, null))
			.isNotEqualTo(DeploymentUtil.computeHash(a, 1))
			.matches("[bcdfghjklmnpqrstvwxz2456789]+");
	}

	@Test
	void aCompleteRolloutReportsNewReplicaSetAvailableAndMinimumAvailability() {
		given(deployment(3, "web:1"));
		sync();
		settleAll();

		sync();

		Deployment d = current();
		assertThat(d.getStatus().getReplicas()).isEqualTo(3);
		assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(3);
		assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(3);
		assertThat(d.getStatus().getUnavailableReplicas()).isZero();
		assertThat(condition(d, "Available")).satisfies(c -> {
			assertThat(c.getStatus()).isEqualTo("True");
			assertThat(c.getReason()).isEqualTo("MinimumReplicasAvailable");
			assertThat(c.getMessage()).isEqualTo("Deployment has minimum availability.");
		});
		assertThat(condition(d, "Progressing")).satisfies(c -> {
			assertThat(c.getStatus()).isEqualTo("True");
			assertThat(c.getReason()).isEqualTo("NewReplicaSetAvailable");
			assertThat(c.getMessage()).isEqualTo(
					"ReplicaSet \"" + onlyReplicaSet().getMetadata().getName() + "\" has successfully progressed.");
		});
	}

	@Test
	void aRollingUpdateWithMaxUnavailableZeroSurgesOnePodAndKeepsTheOldOnesUntilItIsAvailable() {
		Deployment d = deployment(3, "web:1");
		rolling(d, "1", "0");
		given(d);
		sync();
		settleAll();
		sync();
		ReplicaSet old = onlyReplicaSet();

		changeImage("web:2");
		sync();

		ReplicaSet next = newest();
		assertThat(next.getSpec().getReplicas()).isEqualTo(1);
		assertThat(next.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
		assertThat(replicaSet(old.getMetadata().getName()).getSpec().getReplicas()).isEqualTo(3);
		sync();
		assertThat(replicaSet(old.getMetadata().getName()).getSpec().getReplicas())
			.as("the new pod is not available yet")
			.isEqualTo(3);

		settle(next.getMetadata().getName(), 1);
		sync();

		assertThat(replicaSet(old.getMetadata().getName()).getSpec().getReplicas()).isEqualTo(2);
		assertThat(current().getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
		assertThat(this.events.events).endsWith(
				"Normal ScalingReplicaSet Scaled down replica set " + old.getMetadata().getName() + " from 3 to 2");
	}

	@Test
	void aRollingUpdateWithMaxSurgeZeroScalesTheOldReplicaSetDownFirst() {
		Deployment d = deployment(3, "web:1");
		rolling(d, "0", "1");
		given(d);
		sync();
		settleAll();
		sync();
		ReplicaSet old = onlyReplicaSet();

		changeImage("web:2");
		sync();

		assertThat(newest().getSpec().getReplicas()).isZero();
		assertThat(replicaSet(old.getMetadata().getName()).getSpec().getReplicas()).isEqualTo(2);

		sync();

		assertThat(newest().getSpec().getReplicas()).as("grows into the room the old pod left").isEqualTo(1);
	}

	@Test
	void oldReplicaSetsBeyondTheRevisionHistoryLimitAreDeletedOnceTheRolloutCompletes() {
		Deployment d = deployment(1, "web:1");
		d.getSpec().setRevisionHistoryLimit(1);
		given(d);
		for (int version = 2; version <= 4; version++) {
			rollOutCompletely();
			this.writes.creationTimestamp = "2026-01-01T00:0" + version + ":00Z";
			changeImage("web:" + version);
		}
		rollOutCompletely();

		assertThat(this.replicaSets.list(NS)).hasSize(2)
			.extracting(rs -> rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"))
			.containsExactlyInAnyOrder("3", "4");
		assertThat(this.writes.deleted).hasSize(2);
	}

	@Test
	void rollingBackToAnOldTemplateReusesItsReplicaSetWithTheNextRevisionAndRecordsTheOldOne() {
		given(deployment(2, "web:1"));
		rollOutCompletely();
		ReplicaSet first = onlyReplicaSet();
		this.writes.creationTimestamp = "2026-01-01T00:05:00Z";
		changeImage("web:2");
		rollOutCompletely();

		// What kubectl rollout undo does: the old ReplicaSet's template into the
		// Deployment.
		changeImage("web:1");
		rollOutCompletely();

		ReplicaSet reused = replicaSet(first.getMetadata().getName());
		assertThat(reused.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "3")
			.containsEntry("deployment.kubernetes.io/revision-history", "1");
		assertThat(reused.getSpec().getReplicas()).isEqualTo(2);
		assertThat(this.replicaSets.list(NS)).hasSize(2);
		assertThat(current().getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "3");
	}

	@Test
	void theChangeCauseAnnotationIsCopiedToTheReplicaSetForRolloutHistory() {
		Deployment d = deployment(1, "web:1");
		d.getMetadata()
			.setAnnotations(Map.of("kubernetes.io/change-cause", "first release",
					"kubectl.kubernetes.io/last-applied-configuration", "{}"));
		given(d);

		sync();

		assertThat(onlyReplicaSet().getMetadata().getAnnotations())
			.containsEntry("kubernetes.io/change-cause", "first release")
			.doesNotContainKey("kubectl.kubernetes.io/last-applied-configuration");
	}

	@Test
	void recreateScalesTheOldReplicaSetToZeroAndCreatesTheNewOneOnlyOnceNoOldPodIsLeft() {
		Deployment d = deployment(3, "web:1");
		d.getSpec().getStrategy().setType("Recreate");
		d.getSpec().getStrategy().setRollingUpdate(null);
		given(d);
		rollOutCompletely();
		ReplicaSet old = onlyReplicaSet();

		changeImage("web:2");
		sync();

		assertThat(replicaSet(old.getMetadata().getName()).getSpec().getReplicas()).isZero();
		assertThat(this.replicaSets.list(NS)).hasSize(1);
		sync();
		assertThat(this.replicaSets.list(NS)).as("old pods still counted in the status").hasSize(1);

		settleAll();
		sync();

		assertThat(this.replicaSets.list(NS)).hasSize(2);
		assertThat(newest().getSpec().getReplicas()).isEqualTo(3);
	}

	@Test
	void scalingInTheMiddleOfARolloutSpreadsTheNewReplicasProportionally() {
		Deployment d = deployment(10, "web:1");
		rolling(d, "3", "2");
		given(d);
		rollOutCompletely();
		changeImage("web:2");
		sync();
		// New: 3 (surge), old: 10 -> cleanup lets 2 go -> 8 after the next sync.
		sync();
		ReplicaSet old = oldest();
		ReplicaSet next = newest();
		assertThat(old.getSpec().getReplicas() + next.getSpec().getReplicas()).isEqualTo(13);

		Deployment scaled = current();
		scaled.getSpec().setReplicas(20);
		this.deployments.put(scaled);
		sync();

		int oldSize = replicaSet(old.getMetadata().getName()).getSpec().getReplicas();
		int newSize = replicaSet(next.getMetadata().getName()).getSpec().getReplicas();
		assertThat(oldSize + newSize).isEqualTo(23);
		assertThat(oldSize).isGreaterThan(old.getSpec().getReplicas());
		assertThat(newSize).isGreaterThan(next.getSpec().getReplicas());
	}

	@Test
	void aPausedDeploymentStartsNoRolloutAndSaysSo() {
		given(deployment(2, "web:1"));
		rollOutCompletely();
		Deployment paused = current();
		paused.getSpec().setPaused(true);
		this.deployments.put(paused);

		changeImage("web:2");
		sync();

		assertThat(this.replicaSets.list(NS)).hasSize(1);
		assertThat(condition(current(), "Progressing")).satisfies(c -> {
			assertThat(c.getStatus()).isEqualTo("Unknown");
			assertThat(c.getReason()).isEqualTo("DeploymentPaused");
			assertThat(c.getMessage()).isEqualTo("Deployment is paused");
		});

		Deployment resumed = current();
		resumed.getSpec().setPaused(false);
		this.deployments.put(resumed);
		sync();

		assertThat(this.replicaSets.list(NS)).hasSize(2);
	}

	@Test
	void aRolloutWithoutProgressForProgressDeadlineSecondsIsReportedAsExceeded() {
		Deployment d = deployment(2, "web:1");
		d.getSpec().setProgressDeadlineSeconds(60);
		given(d);
		rollOutCompletely();
		changeImage("web:2");
		sync();

		this.clock.advance(Duration.ofSeconds(30));
		Result waiting = this.sync.reconcile("shop/web");
		assertThat(condition(current(), "Progressing").getReason()).isNotEqualTo("ProgressDeadlineExceeded");
		assertThat(waiting.requeueAfter()).as("looks again when the deadline passes").isPositive();

		this.clock.advance(Duration.ofSeconds(31));
		sync();

		assertThat(condition(current(), "Progressing")).satisfies(c -> {
			assertThat(c.getStatus()).isEqualTo("False");
			assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded");
			assertThat(c.getMessage())
				.isEqualTo("ReplicaSet \"" + newest().getMetadata().getName() + "\" has timed out progressing.");
		});
		assertThat(oldest().getSpec().getReplicas()).as("old pods kept").isGreaterThanOrEqualTo(1);
	}

	@Test
	void anOrphanReplicaSetMatchingTheSelectorIsAdopted() {
		given(deployment(1, "web:1"));
		sync();
		ReplicaSet orphan = onlyReplicaSet();
		orphan.getMetadata().setOwnerReferences(List.of());
		this.replicaSets.put(orphan);

		sync();

		assertThat(this.writes.adopted).containsExactly(orphan.getMetadata().getName());
		assertThat(this.writes.created).hasSize(1);
	}

	@Test
	void aNameCollisionWithAnotherTemplateBumpsTheCollisionCount() {
		given(deployment(1, "web:1"));
		this.writes.createConflicts = true;

		assertThatThrownBy(this::sync).hasMessageContaining("collision");

		assertThat(current().getStatus().getCollisionCount()).isEqualTo(1);
	}

	@Test
	void aDeploymentSelectingEverythingIsNotSynced() {
		Deployment d = deployment(1, "web:1");
		d.getSpec().getSelector().setMatchLabels(Map.of());
		given(d);

		sync();

		assertThat(this.writes.created).isEmpty();
		assertThat(this.events.events).containsExactly(
				"Warning SelectingAll This deployment is selecting all pods. A non-empty selector is required.");
	}

	// --- helpers -----------------------------------------------------------------

	private void given(Deployment d) {
		this.deployments.put(d);
	}

	private void sync() {
		this.sync.reconcile("shop/web");
	}

	/** Syncs and lets the ReplicaSet controller catch up until nothing changes. */
	private void rollOutCompletely() {
		for (int i = 0; i < 20; i++) {
			sync();
			settleAll();
		}
	}

	private Deployment current() {
		return this.deployments.get(NS, "web");
	}

	private void changeImage(String image) {
		Deployment d = current();
		d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
		d.getMetadata().setGeneration(d.getMetadata().getGeneration() + 1);
		this.deployments.put(d);
	}

	/** What the ReplicaSet controller reports once every pod of every ReplicaSet runs. */
	private void settleAll() {
		for (ReplicaSet rs : this.replicaSets.list(NS)) {
			settle(rs.getMetadata().getName(), rs.getSpec().getReplicas());
		}
	}

	private void settle(String name, int available) {
		ReplicaSet rs = replicaSet(name);
		rs.setStatus(new ReplicaSetStatusBuilder().withReplicas(rs.getSpec().getReplicas())
			.withReadyReplicas(available)
			.withAvailableReplicas(available)
			.withObservedGeneration(rs.getMetadata().getGeneration())
			.build());
		this.replicaSets.put(rs);
	}

	private ReplicaSet replicaSet(String name) {
		return Serialization.clone(this.replicaSets.get(NS, name));
	}

	private ReplicaSet onlyReplicaSet() {
		assertThat(this.replicaSets.list(NS)).hasSize(1);
		return Serialization.clone(this.replicaSets.list(NS).get(0));
	}

	private ReplicaSet newest() {
		return this.replicaSets.list(NS).stream().max(Comparator.comparing(DeploymentUtil::revision)).orElseThrow();
	}

	private ReplicaSet oldest() {
		return this.replicaSets.list(NS).stream().min(Comparator.comparing(DeploymentUtil::revision)).orElseThrow();
	}

	private static DeploymentCondition condition(Deployment d, String type) {
		return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
	}

	private static void rolling(Deployment d, String surge, String unavailable) {
		d.getSpec().getStrategy().getRollingUpdate().setMaxSurge(intOrString(surge));
		d.getSpec().getStrategy().getRollingUpdate().setMaxUnavailable(intOrString(unavailable));
	}

	private static IntOrString intOrString(String value) {
		return value.endsWith("%") ? new IntOrString(value) : new IntOrString(Integer.parseInt(value));
	}

	static Deployment deployment(int replicas, String image) {
		Deployment d = TestDeployments.deployment("web", replicas, image);
		d.getMetadata().setNamespace(NS);
		d.getMetadata().setUid("deployment-uid");
		d.getMetadata().setGeneration(1L);
		d.getMetadata().setResourceVersion("1");
		d.getSpec().setRevisionHistoryLimit(10);
		d.getSpec().setProgressDeadlineSeconds(600);
		d.getSpec().getStrategy().getRollingUpdate().setMaxSurge(new IntOrString("25%"));
		d.getSpec().getStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString("25%"));
		return d;
	}

}
