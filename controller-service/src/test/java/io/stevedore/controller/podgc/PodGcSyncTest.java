package io.stevedore.controller.podgc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.client.clock.FakeClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PodGcSyncTest {

	final FakeClock clock = new FakeClock();

	final List<Pod> pods = new ArrayList<>();

	final List<Node> nodes = new ArrayList<>();

	final Set<String> nodesInApi = new HashSet<>();

	final List<Pod> statusUpdates = new ArrayList<>();

	final List<String> deleted = new ArrayList<>();

	final PodGcControl control = new PodGcControl() {
		@Override
		public boolean nodeExists(String name) {
			return PodGcSyncTest.this.nodesInApi.contains(name);
		}

		@Override
		public Pod updateStatus(Pod pod) {
			PodGcSyncTest.this.statusUpdates.add(pod);
			return pod;
		}

		@Override
		public void forceDelete(Pod pod) {
			PodGcSyncTest.this.deleted.add(pod.getMetadata().getName());
		}
	};

	PodGcSync sync(int threshold) {
		return new PodGcSync(() -> this.pods, () -> this.nodes, this.control,
				new PodGcSettings(threshold, Duration.ofSeconds(40), Duration.ofSeconds(20)), this.clock);
	}

	@Test
	void terminatedPodsOverTheThresholdAreDeletedEvictedFirstThenOldest() {
		this.pods.add(pod("newest", "n1", "Succeeded", "2026-01-03T00:00:00Z"));
		this.pods.add(pod("oldest", "n1", "Failed", "2026-01-01T00:00:00Z"));
		this.pods.add(pod("middle", "n1", "Succeeded", "2026-01-02T00:00:00Z"));
		Pod evicted = pod("evicted-new", "n1", "Failed", "2026-01-04T00:00:00Z");
		evicted.getStatus().setReason("Evicted");
		this.pods.add(evicted);
		this.pods.add(pod("running", "n1", "Running", "2025-01-01T00:00:00Z"));
		this.nodes.add(node("n1", true));

		sync(2).reconcile(PodGcSync.KEY);

		assertThat(this.deleted).containsExactly("evicted-new", "oldest");
		assertThat(this.statusUpdates).isEmpty();
	}

	@Test
	void aThresholdOfZeroKeepsEveryTerminatedPod() {
		this.pods.add(pod("done", "n1", "Succeeded", "2026-01-01T00:00:00Z"));
		this.nodes.add(node("n1", true));

		sync(0).reconcile(PodGcSync.KEY);

		assertThat(this.deleted).isEmpty();
	}

	@Test
	void podsOfAMissingNodeAreDeletedOnlyAfterTheQuarantineAndMarkedDisruptionTarget() {
		this.pods.add(pod("orphan", "gone", "Running", "2026-01-01T00:00:00Z"));
		PodGcSync sync = sync(12500);

		sync.reconcile(PodGcSync.KEY);
		this.clock.advance(Duration.ofSeconds(39));
		sync.reconcile(PodGcSync.KEY);
		assertThat(this.deleted).isEmpty();

		this.clock.advance(Duration.ofSeconds(2));
		sync.reconcile(PodGcSync.KEY);

		assertThat(this.deleted).containsExactly("orphan");
		assertThat(this.statusUpdates).singleElement().satisfies(pod -> {
			assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
			assertThat(pod.getStatus().getConditions()).anySatisfy(c -> {
				assertThat(c.getType()).isEqualTo("DisruptionTarget");
				assertThat(c.getStatus()).isEqualTo("True");
				assertThat(c.getReason()).isEqualTo("DeletionByPodGC");
				assertThat(c.getMessage()).isEqualTo("PodGC: node no longer exists");
			});
		});
	}

	@Test
	void aNodeTheCacheMissesButTheApiserverHasKeepsItsPods() {
		this.pods.add(pod("young-node", "just-created", "Running", "2026-01-01T00:00:00Z"));
		this.nodesInApi.add("just-created");
		PodGcSync sync = sync(12500);

		sync.reconcile(PodGcSync.KEY);
		this.clock.advance(Duration.ofMinutes(1));
		sync.reconcile(PodGcSync.KEY);

		assertThat(this.deleted).isEmpty();
	}

	@Test
	void aNodeThatComesBackDuringTheQuarantineKeepsItsPods() {
		this.pods.add(pod("p", "flapping", "Running", "2026-01-01T00:00:00Z"));
		PodGcSync sync = sync(12500);
		sync.reconcile(PodGcSync.KEY);
		this.clock.advance(Duration.ofSeconds(30));
		this.nodes.add(node("flapping", true));
		sync.reconcile(PodGcSync.KEY);
		this.nodes.clear();
		this.clock.advance(Duration.ofSeconds(30));

		sync.reconcile(PodGcSync.KEY);

		assertThat(this.deleted).as("the quarantine starts again").isEmpty();
	}

	@Test
	void terminatingPodsThatWereNeverScheduledAreForceDeleted() {
		Pod pod = pod("unscheduled", null, "Pending", "2026-01-01T00:00:00Z");
		pod.getMetadata().setDeletionTimestamp("2026-01-01T00:01:00Z");
		this.pods.add(pod);
		this.pods.add(pod("waiting", null, "Pending", "2026-01-01T00:00:00Z"));

		sync(12500).reconcile(PodGcSync.KEY);

		assertThat(this.deleted).containsExactly("unscheduled");
		assertThat(this.statusUpdates).singleElement()
			.satisfies(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Failed"));
	}

	@Test
	void terminatingPodsOnANotReadyOutOfServiceNodeAreForceDeletedButNotOnAReadyOne() {
		Node outOfService = node("dead", false);
		outOfService.getSpec()
			.setTaints(
					List.of(new io.fabric8.kubernetes.api.model.TaintBuilder().withKey(PodGcSync.OUT_OF_SERVICE_TAINT)
						.withValue("nodeshutdown")
						.withEffect("NoExecute")
						.build()));
		Node tainted = node("ready-tainted", true);
		tainted.getSpec().setTaints(outOfService.getSpec().getTaints());
		this.nodes.add(outOfService);
		this.nodes.add(tainted);
		this.nodes.add(node("notready", false));
		for (String node : List.of("dead", "ready-tainted", "notready")) {
			Pod pod = pod("on-" + node, node, "Running", "2026-01-01T00:00:00Z");
			pod.getMetadata().setDeletionTimestamp("2026-01-01T00:01:00Z");
			this.pods.add(pod);
		}
		this.pods.add(pod("alive-on-dead", "dead", "Running", "2026-01-01T00:00:00Z"));

		sync(12500).reconcile(PodGcSync.KEY);

		assertThat(this.deleted).containsExactly("on-dead");
	}

	@Test
	void aFailedDeleteDoesNotStopThePassAndThePassRunsAgainAfterTheCheckPeriod() {
		for (String name : List.of("a", "b")) {
			Pod pod = pod(name, null, "Failed", "2026-01-01T00:00:00Z");
			pod.getMetadata().setDeletionTimestamp("2026-01-01T00:01:00Z");
			this.pods.add(pod);
		}
		PodGcControl failingOnA = new PodGcControl() {
			@Override
			public boolean nodeExists(String name) {
				return true;
			}

			@Override
			public Pod updateStatus(Pod pod) {
				return pod;
			}

			@Override
			public void forceDelete(Pod pod) {
				if (pod.getMetadata().getName().equals("a")) {
					throw new KubernetesClientException("boom", 500, null);
				}
				PodGcSyncTest.this.deleted.add(pod.getMetadata().getName());
			}
		};
		PodGcSync sync = new PodGcSync(() -> this.pods, () -> this.nodes, failingOnA,
				new PodGcSettings(12500, Duration.ofSeconds(40), Duration.ofSeconds(20)), this.clock);

		assertThat(sync.reconcile(PodGcSync.KEY).requeueAfter()).isEqualTo(Duration.ofSeconds(20));
		assertThat(this.deleted).containsExactly("b");
	}

	static Pod pod(String name, String node, String phase, String created) {
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.withUid(name + "-uid")
			.withCreationTimestamp(created)
			.withResourceVersion("1")
			.endMetadata()
			.withNewSpec()
			.withNodeName(node)
			.endSpec()
			.withNewStatus()
			.withPhase(phase)
			.endStatus()
			.build();
	}

	static Node node(String name, boolean ready) {
		return new NodeBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.endSpec()
			.withNewStatus()
			.addNewCondition()
			.withType("Ready")
			.withStatus(ready ? "True" : "False")
			.endCondition()
			.endStatus()
			.build();
	}

}
