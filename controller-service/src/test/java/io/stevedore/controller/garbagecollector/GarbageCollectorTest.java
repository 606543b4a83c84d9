package io.stevedore.controller.garbagecollector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.workqueue.ExponentialFailureRateLimiter;
import io.stevedore.client.workqueue.WorkQueue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The collector's decisions on an in-memory cluster: informer events go into the graph,
 * the queues are drained by hand.
 */
class GarbageCollectorTest {

	private final FakeClock clock = new FakeClock();

	private final WorkQueue<String> attemptToDelete = queue();

	private final WorkQueue<String> attemptToOrphan = queue();

	private final GraphBuilder graph = new GraphBuilder(this.attemptToDelete, this.attemptToOrphan);

	private final FakeClusterObjects cluster = new FakeClusterObjects();

	private final GarbageCollector collector = new GarbageCollector(this.graph, this.cluster, this.attemptToDelete);

	@Test
	void aDependentWhoseOnlyOwnerDoesNotExistIsDeletedInBackground() {
		ObjectMeta rs = replicaSet("web-1", "rs-uid", owner("Deployment", "web", "deploy-uid", false));

		drain();

		assertThat(this.cluster.deletions).containsExactly("web-1 Background");
		assertThat(this.graph.node("deploy-uid")).as("the virtual owner node is dropped").isEmpty();
		assertThat(rs.getUid()).isEqualTo("rs-uid");
	}

	@Test
	void aDependentWithALiveOwnerIsKept() {
		deployment("web", "deploy-uid");
		replicaSet("web-1", "rs-uid", owner("Deployment", "web", "deploy-uid", false));

		drain();

		assertThat(this.cluster.deletions).isEmpty();
		assertThat(this.cluster.referencesRemoved).isEmpty();
	}

	@Test
	void anOwnerRecreatedUnderTheSameNameDoesNotKeepTheOldOwnersDependents() {
		deployment("web", "new-deploy-uid");
		replicaSet("web-1", "rs-uid", owner("Deployment", "web", "old-deploy-uid", false));

		drain();

		assertThat(this.cluster.deletions).containsExactly("web-1 Background");
	}

	@Test
	void aDependentWithAnotherLiveOwnerOnlyLosesTheDanglingReference() {
		deployment("alive", "alive-uid");
		replicaSet("shared", "rs-uid", owner("Deployment", "gone", "gone-uid", false),
				owner("Deployment", "alive", "alive-uid", false));

		drain();

		assertThat(this.cluster.deletions).isEmpty();
		assertThat(this.cluster.referencesRemoved).containsExactly("shared -> gone-uid");
	}

	@Test
	void anObjectWithoutOwnersIsNeverCollected() {
		ObjectIdentity id = new ObjectIdentity("v1", "ConfigMap", "ns", "settings", "cm-uid");
		ObjectMeta meta = meta("settings", "cm-uid");
		this.cluster.put(id, meta);
		this.graph.observe("v1", "ConfigMap", null, meta);
		this.attemptToDelete.add("cm-uid");

		drain();

		assertThat(this.cluster.deletions).isEmpty();
	}

	@Test
	void orphanDeletionRemovesTheOwnersReferenceFromEveryDependentThenTheOrphanFinalizer() {
		ObjectMeta deploy = deployment("web", "deploy-uid");
		replicaSet("web-1", "rs1-uid", owner("Deployment", "web", "deploy-uid", true));
		replicaSet("web-2", "rs2-uid", owner("Deployment", "web", "deploy-uid", true));

		startDeleting(deploy, "orphan");
		drain();

		assertThat(this.cluster.referencesRemoved).containsExactlyInAnyOrder("web-1 -> deploy-uid",
				"web-2 -> deploy-uid");
		assertThat(this.cluster.finalizersRemoved).containsExactly("web orphan");
		assertThat(this.cluster.deletions).as("orphaned dependents stay").isEmpty();
	}

	@Test
	void foregroundDeletionDeletesDependentsAndRemovesTheFinalizerOnlyOnceBlockingOnesAreGone() {
		ObjectMeta deploy = deployment("web", "deploy-uid");
		ObjectMeta rs = replicaSet("web-1", "rs-uid", owner("Deployment", "web", "deploy-uid", true));

		startDeleting(deploy, "foregroundDeletion");
		drain();

		assertThat(this.cluster.deletions).containsExactly("web-1 Background");
		assertThat(this.cluster.finalizersRemoved).as("the ReplicaSet is not gone from the graph yet").isEmpty();

		this.graph.observeDeletion(rs);
		drain();

		assertThat(this.cluster.finalizersRemoved).containsExactly("web foregroundDeletion");
	}

	@Test
	void foregroundDeletionDoesNotWaitForDependentsThatDoNotBlockIt() {
		ObjectMeta deploy = deployment("web", "deploy-uid");
		replicaSet("web-1", "rs-uid", owner("Deployment", "web", "deploy-uid", false));

		startDeleting(deploy, "foregroundDeletion");
		drain();

		assertThat(this.cluster.deletions).containsExactly("web-1 Background");
		assertThat(this.cluster.finalizersRemoved).containsExactly("web foregroundDeletion");
	}

	@Test
	void aDependentWithItsOwnDependentsIsDeletedInForegroundWhenItsOwnerWaitsForIt() {
		ObjectMeta deploy = deployment("web", "deploy-uid");
		replicaSet("web-1", "rs-uid", owner("Deployment", "web", "deploy-uid", true));
		pod("web-1-abc", "pod-uid", owner("ReplicaSet", "web-1", "rs-uid", true));

		startDeleting(deploy, "foregroundDeletion");
		drain();

		assertThat(this.cluster.deletions).containsExactly("web-1 Foreground");
	}

	@Test
	void aDependentOfAForegroundDeletedOwnerThatHasAnotherLiveOwnerLosesOnlyThatReference() {
		ObjectMeta deploy = deployment("web", "deploy-uid");
		deployment("other", "other-uid");
		replicaSet("web-1", "rs-uid", owner("Deployment", "web", "deploy-uid", true),
				owner("Deployment", "other", "other-uid", false));

		startDeleting(deploy, "foregroundDeletion");
		drain();

		assertThat(this.cluster.deletions).isEmpty();
		assertThat(this.cluster.referencesRemoved).containsExactly("web-1 -> deploy-uid");
	}

	@Test
	void removingABlockingReferenceLetsAWaitingOwnerFinish() {
		ObjectMeta deploy = deployment("web", "deploy-uid");
		deployment("other", "other-uid");
		ObjectMeta rs = replicaSet("web-1", "rs-uid", owner("Deployment", "web", "deploy-uid", true),
				owner("Deployment", "other", "other-uid", false));
		startDeleting(deploy, "foregroundDeletion");
		drain();

		// The informer reports the reference removed by the collector.
		ObjectMeta updated = new ObjectMetaBuilder(rs)
			.withOwnerReferences(owner("Deployment", "other", "other-uid", false))
			.build();
		this.graph.observe("apps/v1", "ReplicaSet", rs, updated);
		drain();

		assertThat(this.cluster.finalizersRemoved).containsExactly("web foregroundDeletion");
	}

	@Test
	void anObjectAlreadyBeingDeletedInBackgroundIsLeftToTheApiserver() {
		ObjectMeta rs = replicaSet("web-1", "rs-uid", owner("Deployment", "web", "deploy-uid", false));
		ObjectMeta deleting = new ObjectMetaBuilder(rs).withDeletionTimestamp("2026-01-01T00:00:00Z")
			.withFinalizers("example.com/hold")
			.build();
		this.graph.observe("apps/v1", "ReplicaSet", rs, deleting);

		drain();

		assertThat(this.cluster.deletions).isEmpty();
	}

	private void startDeleting(ObjectMeta owner, String finalizer) {
		ObjectMeta deleting = new ObjectMetaBuilder(owner).withDeletionTimestamp("2026-01-01T00:00:00Z")
			.withFinalizers(finalizer)
			.build();
		this.cluster.put(new ObjectIdentity("apps/v1", "Deployment", "ns", owner.getName(), owner.getUid()), deleting);
		this.graph.observe("apps/v1", "Deployment", owner, deleting);
	}

	/** Runs both queues until they are empty, as the workers would. */
	private void drain() {
		for (int round = 0; round < 100; round++) {
			Optional<String> orphan = this.attemptToOrphan.poll();
			if (orphan.isPresent()) {
				this.collector.attemptToOrphan(orphan.get());
				this.attemptToOrphan.done(orphan.get());
				continue;
			}
			Optional<String> delete = this.attemptToDelete.poll();
			if (delete.isPresent()) {
				this.collector.attemptToDelete(delete.get());
				this.attemptToDelete.done(delete.get());
				continue;
			}
			return;
		}
		throw new AssertionError("the queues did not settle");
	}

	private ObjectMeta deployment(String name, String uid) {
		return object("apps/v1", "Deployment", meta(name, uid));
	}

	private ObjectMeta replicaSet(String name, String uid, OwnerReference... owners) {
		return object("apps/v1", "ReplicaSet", meta(name, uid, owners));
	}

	private ObjectMeta pod(String name, String uid, OwnerReference... owners) {
		return object("v1", "Pod", meta(name, uid, owners));
	}

	private ObjectMeta object(String apiVersion, String kind, ObjectMeta meta) {
		this.cluster.put(new ObjectIdentity(apiVersion, kind, "ns", meta.getName(), meta.getUid()), meta);
		this.graph.observe(apiVersion, kind, null, new ObjectMetaBuilder(meta).build());
		return meta;
	}

	private static ObjectMeta meta(String name, String uid, OwnerReference... owners) {
		return new ObjectMetaBuilder().withNamespace("ns")
			.withName(name)
			.withUid(uid)
			.withOwnerReferences(new ArrayList<>(List.of(owners)))
			.build();
	}

	private static OwnerReference owner(String kind, String name, String uid, boolean blockOwnerDeletion) {
		return new OwnerReferenceBuilder().withApiVersion(kind.equals("Pod") ? "v1" : "apps/v1")
			.withKind(kind)
			.withName(name)
			.withUid(uid)
			.withController(true)
			.withBlockOwnerDeletion(blockOwnerDeletion)
			.build();
	}

	private WorkQueue<String> queue() {
		return new WorkQueue<>(this.clock,
				new ExponentialFailureRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1)));
	}

}
