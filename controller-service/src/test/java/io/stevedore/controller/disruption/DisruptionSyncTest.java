package io.stevedore.controller.disruption;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.replicaset.InMemoryLister;
import io.stevedore.controller.replicaset.RecordingEventRecorder;
import io.stevedore.controller.workload.ControllerRefs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DisruptionSyncTest {

	final FakeClock clock = new FakeClock(Instant.parse("2026-06-01T10:00:00Z"));

	final InMemoryLister<PodDisruptionBudget> budgets = new InMemoryLister<>();

	final InMemoryLister<Pod> pods = new InMemoryLister<>();

	final InMemoryLister<ReplicaSet> replicaSets = new InMemoryLister<>();

	final InMemoryLister<Deployment> deployments = new InMemoryLister<>();

	final InMemoryLister<StatefulSet> statefulSets = new InMemoryLister<>();

	final InMemoryLister<ReplicationController> rcs = new InMemoryLister<>();

	final List<PodDisruptionBudget> written = new ArrayList<>();

	final RecordingEventRecorder events = new RecordingEventRecorder();

	final DisruptionSync sync = new DisruptionSync(this.budgets, this.pods,
			new ExpectedScale(this.replicaSets, this.deployments, this.statefulSets, this.rcs), pdb -> {
				this.written.add(pdb);
				this.budgets.put(pdb);
				return pdb;
			}, this.events, this.clock);

	@Test
	void maxUnavailableOfADeploymentAllowsOneDisruptionWhenAllThreeAreReady() {
		Deployment deployment = deployment("web", 3);
		ReplicaSet rs = replicaSet("web-1", 3, deployment);
		for (int i = 0; i < 3; i++) {
			this.pods.put(pod("web-" + i, rs, true));
		}
		this.budgets.put(pdb("web-pdb", null, new IntOrString(1)));

		this.sync.reconcile("default/web-pdb");

		PodDisruptionBudgetStatus status = lastStatus();
		assertThat(status.getExpectedPods()).isEqualTo(3);
		assertThat(status.getDesiredHealthy()).isEqualTo(2);
		assertThat(status.getCurrentHealthy()).isEqualTo(3);
		assertThat(status.getDisruptionsAllowed()).isEqualTo(1);
		assertThat(status.getObservedGeneration()).isEqualTo(4L);
		assertThat(status.getConditions()).singleElement().satisfies(c -> {
			assertThat(c.getType()).isEqualTo("DisruptionAllowed");
			assertThat(c.getStatus()).isEqualTo("True");
			assertThat(c.getReason()).isEqualTo("SufficientPods");
			assertThat(c.getObservedGeneration()).isEqualTo(4L);
		});
	}

	@Test
	void theExpectedCountIsTheControllersScaleNotThePodsThatExistAndTwoReplicaSetsOfOneDeploymentCountItOnce() {
		Deployment deployment = deployment("web", 4);
		ReplicaSet old = replicaSet("web-old", 1, deployment);
		ReplicaSet current = replicaSet("web-new", 3, deployment);
		this.pods.put(pod("a", old, true));
		this.pods.put(pod("b", current, true));
		this.budgets.put(pdb("p", new IntOrString("50%"), null));

		this.sync.reconcile("default/p");

		assertThat(lastStatus().getExpectedPods()).isEqualTo(4);
		assertThat(lastStatus().getDesiredHealthy()).isEqualTo(2);
		assertThat(lastStatus().getDisruptionsAllowed()).isZero();
		assertThat(lastStatus().getConditions()).singleElement()
			.satisfies(c -> assertThat(c.getReason()).isEqualTo("InsufficientPods"));
	}

	@Test
	void percentagesRoundUpAsKubernetes() {
		StatefulSet set = new StatefulSetBuilder().withNewMetadata()
			.withName("db")
			.withNamespace("default")
			.withUid("db-uid")
			.endMetadata()
			.withNewSpec()
			.withReplicas(3)
			.endSpec()
			.build();
		this.statefulSets.put(set);
		for (int i = 0; i < 3; i++) {
			this.pods.put(pod("db-" + i, set, true));
		}
		this.budgets.put(pdb("max", null, new IntOrString("34%")));
		this.budgets.put(pdb("min", new IntOrString("34%"), null));

		this.sync.reconcile("default/max");
		assertThat(lastStatus().getDesiredHealthy()).as("3 - ceil(1.02)").isEqualTo(1);
		assertThat(lastStatus().getDisruptionsAllowed()).isEqualTo(2);

		this.sync.reconcile("default/min");
		assertThat(lastStatus().getDesiredHealthy()).as("ceil(1.02)").isEqualTo(2);
		assertThat(lastStatus().getDisruptionsAllowed()).isEqualTo(1);
	}

	@Test
	void anIntegerMinAvailableCountsSelectedPodsAndOnlyReadyOnesAreHealthy() {
		this.pods.put(pod("a", null, true));
		this.pods.put(pod("b", null, false));
		Pod terminating = pod("c", null, true);
		terminating.getMetadata().setDeletionTimestamp("2026-06-01T09:59:00Z");
		this.pods.put(terminating);
		this.pods.put(new PodBuilder(pod("other", null, true)).editMetadata()
			.withLabels(Map.of("app", "x"))
			.endMetadata()
			.build());
		this.budgets.put(pdb("p", new IntOrString(1), null));

		this.sync.reconcile("default/p");

		assertThat(lastStatus().getExpectedPods()).isEqualTo(3);
		assertThat(lastStatus().getCurrentHealthy()).isEqualTo(1);
		assertThat(lastStatus().getDesiredHealthy()).isEqualTo(1);
		assertThat(lastStatus().getDisruptionsAllowed()).isZero();
	}

	@Test
	void aPodWhoseControllerDoesNotExistFailsSafeWithNoDisruptionAllowed() {
		ReplicaSet missing = replicaSet("gone", 3, null);
		this.replicaSets.remove(missing);
		this.pods.put(pod("a", missing, true));
		PodDisruptionBudget pdb = pdb("p", null, new IntOrString(1));
		pdb.setStatus(new PodDisruptionBudgetStatus());
		pdb.getStatus().setDisruptionsAllowed(1);
		this.budgets.put(pdb);

		assertThatThrownBy(() -> this.sync.reconcile("default/p")).hasMessage("found no controllers for pod \"a\"");

		assertThat(lastStatus().getDisruptionsAllowed()).isZero();
		assertThat(lastStatus().getConditions()).singleElement().satisfies(c -> {
			assertThat(c.getStatus()).isEqualTo("False");
			assertThat(c.getReason()).isEqualTo("SyncFailed");
			assertThat(c.getMessage()).isEqualTo("found no controllers for pod \"a\"");
		});
		assertThat(this.events.events).contains("Warning NoControllers found no controllers for pod \"a\"");
	}

	@Test
	void unmanagedPodsAreLeftOutOfTheScaleWithAWarning() {
		ReplicaSet rs = replicaSet("rs", 2, null);
		this.pods.put(pod("a", rs, true));
		this.pods.put(pod("b", rs, true));
		this.pods.put(pod("bare", null, true));
		this.budgets.put(pdb("p", null, new IntOrString(1)));

		this.sync.reconcile("default/p");

		assertThat(lastStatus().getExpectedPods()).isEqualTo(2);
		assertThat(lastStatus().getCurrentHealthy()).isEqualTo(3);
		assertThat(this.events.events).anyMatch(e -> e.startsWith("Warning UnmanagedPods "));
	}

	@Test
	void aPodTheApiserverEvictedIsNotHealthyUntilItsDeletionShowsOrTheTimeoutPasses() {
		ReplicaSet rs = replicaSet("rs", 2, null);
		this.pods.put(pod("a", rs, true));
		this.pods.put(pod("b", rs, true));
		PodDisruptionBudget pdb = pdb("p", null, new IntOrString(1));
		pdb.setStatus(new PodDisruptionBudgetStatus());
		pdb.getStatus().setDisruptedPods(Map.of("a", "2026-06-01T09:59:30Z", "vanished", "2026-06-01T09:59:30Z"));
		this.budgets.put(pdb);

		Result result = this.sync.reconcile("default/p");

		assertThat(lastStatus().getCurrentHealthy()).isEqualTo(1);
		assertThat(lastStatus().getDisruptedPods()).containsOnlyKeys("a");
		assertThat(lastStatus().getDisruptionsAllowed()).isZero();
		assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(90));

		this.clock.advance(Duration.ofSeconds(91));
		this.sync.reconcile("default/p");

		assertThat(lastStatus().getDisruptedPods()).isNull();
		assertThat(lastStatus().getCurrentHealthy()).isEqualTo(2);
		assertThat(this.events.events)
			.contains("Warning NotDeleted Pod was expected by PDB default/p to be deleted but it wasn't");
	}

	@Test
	void anUnchangedStatusIsNotWrittenAgain() {
		ReplicaSet rs = replicaSet("rs", 1, null);
		this.pods.put(pod("a", rs, true));
		this.budgets.put(pdb("p", new IntOrString(1), null));
		this.sync.reconcile("default/p");
		this.written.clear();

		this.sync.reconcile("default/p");

		assertThat(this.written).isEmpty();
	}

	@Test
	void noMatchingPodsAllowsNothingAndSaysSo() {
		this.budgets.put(pdb("p", null, new IntOrString(1)));

		this.sync.reconcile("default/p");

		assertThat(lastStatus().getExpectedPods()).isZero();
		assertThat(lastStatus().getDisruptionsAllowed()).isZero();
		assertThat(this.events.events).contains("Normal NoPods No matching pods found");
	}

	@Test
	void aPdbThatIsGoneIsNothingToDo() {
		assertThat(this.sync.reconcile("default/absent").requeue()).isFalse();
		assertThat(this.written).isEmpty();
	}

	private PodDisruptionBudgetStatus lastStatus() {
		return this.written.get(this.written.size() - 1).getStatus();
	}

	private Deployment deployment(String name, int replicas) {
		Deployment d = new DeploymentBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.withUid(name + "-uid")
			.endMetadata()
			.withNewSpec()
			.withReplicas(replicas)
			.endSpec()
			.build();
		d.setApiVersion("apps/v1");
		d.setKind("Deployment");
		this.deployments.put(d);
		return d;
	}

	private ReplicaSet replicaSet(String name, int replicas, Deployment owner) {
		ReplicaSetBuilder builder = new ReplicaSetBuilder().withApiVersion("apps/v1")
			.withKind("ReplicaSet")
			.withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.withUid(name + "-uid")
			.endMetadata()
			.withNewSpec()
			.withReplicas(replicas)
			.endSpec();
		ReplicaSet rs = builder.build();
		if (owner != null) {
			rs.getMetadata().setOwnerReferences(List.of(ControllerRefs.of(owner)));
		}
		this.replicaSets.put(rs);
		return rs;
	}

	private static Pod pod(String name, io.fabric8.kubernetes.api.model.HasMetadata owner, boolean ready) {
		Pod pod = new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.withLabels(Map.of("app", "web"))
			.endMetadata()
			.withNewStatus()
			.addNewCondition()
			.withType("Ready")
			.withStatus(ready ? "True" : "False")
			.endCondition()
			.endStatus()
			.build();
		if (owner != null) {
			if (owner.getApiVersion() == null) {
				owner.setApiVersion("apps/v1");
			}
			pod.getMetadata().setOwnerReferences(List.of(ControllerRefs.of(owner)));
		}
		return pod;
	}

	private static PodDisruptionBudget pdb(String name, IntOrString minAvailable, IntOrString maxUnavailable) {
		return new PodDisruptionBudgetBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.withGeneration(4L)
			.endMetadata()
			.withNewSpec()
			.withMinAvailable(minAvailable)
			.withMaxUnavailable(maxUnavailable)
			.withNewSelector()
			.withMatchLabels(Map.of("app", "web"))
			.endSelector()
			.endSpec()
			.build();
	}

}
