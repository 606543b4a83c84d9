package io.stevedore.controller.garbagecollector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.stevedore.client.workqueue.WorkQueue;

/**
 * Keeps the owner/dependent graph from what the informers observe and decides which
 * objects the collector must look at (Kubernetes' {@code GraphBuilder}):
 * <ul>
 * <li>an owner that starts being deleted with the "orphan" finalizer goes to
 * attemptToOrphan;</li>
 * <li>one that starts being deleted with "foregroundDeletion" is marked
 * deletingDependents, and it and all its dependents go to attemptToDelete;</li>
 * <li>when an object goes, its dependents go to attemptToDelete (they may be dangling
 * now), and so does an owner waiting in foreground deletion for it;</li>
 * <li>an owner named by a reference but never observed becomes a virtual node, checked by
 * attemptToDelete.</li>
 * </ul>
 * Kubernetes funnels informer events through one more queue to a single goroutine; here
 * the informer threads apply them directly under this object's lock, which gives the same
 * serialisation. Queues hold UIDs.
 * <p>
 * Threading: every method is synchronized; they only touch memory and enqueue.
 */
public final class GraphBuilder {

	public static final String ORPHAN = "orphan";

	public static final String FOREGROUND_DELETION = "foregroundDeletion";

	private final Map<String, GraphNode> nodes = new HashMap<>();

	private final WorkQueue<String> attemptToDelete;

	private final WorkQueue<String> attemptToOrphan;

	public GraphBuilder(WorkQueue<String> attemptToDelete, WorkQueue<String> attemptToOrphan) {
		this.attemptToDelete = attemptToDelete;
		this.attemptToOrphan = attemptToOrphan;
	}

	/** An informer saw the object added or changed; {@code old} is null for adds. */
	public synchronized void observe(String apiVersion, String kind, ObjectMeta old, ObjectMeta meta) {
		String uid = meta.getUid();
		if (uid == null || uid.isEmpty()) {
			return;
		}
		ObjectIdentity identity = ObjectIdentity.of(apiVersion, kind, meta);
		List<OwnerReference> owners = List.copyOf(meta.getOwnerReferences());
		GraphNode node = this.nodes.get(uid);
		if (node == null) {
			node = new GraphNode(identity);
			node.owners = owners;
			this.nodes.put(uid, node);
			addToOwners(node, owners);
		}
		else {
			if (node.virtual) {
				// The owner exists after all: take its real coordinates (a cluster-scoped
				// owner has no namespace, the reference guessed its dependent's).
				node.virtual = false;
				node.identity = identity;
			}
			OwnerDiff diff = OwnerDiff.between(node.owners, owners);
			if (!diff.isEmpty()) {
				enqueueUnblockedOwners(diff);
				node.owners = owners;
				addToOwners(node, diff.added());
				removeFromOwners(node, diff.removed());
			}
		}
		boolean deleting = meta.getDeletionTimestamp() != null;
		node.beingDeleted = node.beingDeleted || deleting;
		processTransitions(old, meta, node);
	}

	/** An informer saw the object deleted (or lost it while disconnected). */
	public synchronized void observeDeletion(ObjectMeta meta) {
		GraphNode node = this.nodes.get(meta.getUid());
		if (node == null) {
			return;
		}
		removeNode(node);
	}

	/**
	 * attemptToDelete found that a virtual node's object does not exist: drop the node,
	 * and let its dependents be collected (Kubernetes' virtual delete event).
	 */
	public synchronized void absentOwnerConfirmed(String uid) {
		GraphNode node = this.nodes.get(uid);
		if (node != null && node.virtual) {
			removeNode(node);
		}
	}

	public synchronized Optional<NodeSnapshot> node(String uid) {
		GraphNode node = this.nodes.get(uid);
		return node == null ? Optional.empty() : Optional.of(snapshot(node));
	}

	public synchronized int size() {
		return this.nodes.size();
	}

	private void processTransitions(ObjectMeta old, ObjectMeta meta, GraphNode node) {
		if (startsWaitingFor(ORPHAN, old, meta)) {
			this.attemptToOrphan.add(node.identity.uid());
			return;
		}
		if (startsWaitingFor(FOREGROUND_DELETION, old, meta)) {
			node.deletingDependents = true;
			for (String dependent : node.dependents) {
				this.attemptToDelete.add(dependent);
			}
			this.attemptToDelete.add(node.identity.uid());
		}
	}

	/**
	 * True when the object is now deleted with the finalizer and was not before; an add
	 * counts, so a restarted collector picks up deletions already under way.
	 */
	private static boolean startsWaitingFor(String finalizer, ObjectMeta old, ObjectMeta meta) {
		if (!waitingFor(finalizer, meta)) {
			return false;
		}
		return old == null || !waitingFor(finalizer, old);
	}

	static boolean waitingFor(String finalizer, ObjectMeta meta) {
		return meta.getDeletionTimestamp() != null && meta.getFinalizers().contains(finalizer);
	}

	private void addToOwners(GraphNode dependent, List<OwnerReference> owners) {
		for (OwnerReference reference : owners) {
			GraphNode owner = this.nodes.get(reference.getUid());
			if (owner == null) {
				owner = new GraphNode(ObjectIdentity.owner(reference, dependent.identity.namespace()));
				owner.virtual = true;
				this.nodes.put(reference.getUid(), owner);
				// Find out whether it exists at all; if not, the dependent is dangling.
				this.attemptToDelete.add(reference.getUid());
			}
			owner.dependents.add(dependent.identity.uid());
		}
	}

	private void removeFromOwners(GraphNode dependent, List<OwnerReference> owners) {
		for (OwnerReference reference : owners) {
			GraphNode owner = this.nodes.get(reference.getUid());
			if (owner != null) {
				owner.dependents.remove(dependent.identity.uid());
			}
		}
	}

	/**
	 * A dependent that stopped blocking (reference removed, or blockOwnerDeletion turned
	 * off) may be the last thing a foreground-deleted owner waits for.
	 */
	private void enqueueUnblockedOwners(OwnerDiff diff) {
		List<OwnerReference> unblocked = new ArrayList<>();
		for (OwnerReference removed : diff.removed()) {
			if (Boolean.TRUE.equals(removed.getBlockOwnerDeletion())) {
				unblocked.add(removed);
			}
		}
		for (OwnerDiff.Change change : diff.changed()) {
			if (Boolean.TRUE.equals(change.before().getBlockOwnerDeletion())
					&& !Boolean.TRUE.equals(change.after().getBlockOwnerDeletion())) {
				unblocked.add(change.after());
			}
		}
		for (OwnerReference reference : unblocked) {
			GraphNode owner = this.nodes.get(reference.getUid());
			if (owner != null && owner.deletingDependents) {
				this.attemptToDelete.add(reference.getUid());
			}
		}
	}

	private void removeNode(GraphNode node) {
		this.nodes.remove(node.identity.uid());
		removeFromOwners(node, node.owners);
		for (String dependent : node.dependents) {
			this.attemptToDelete.add(dependent);
		}
		for (OwnerReference reference : node.owners) {
			GraphNode owner = this.nodes.get(reference.getUid());
			if (owner != null && owner.deletingDependents) {
				this.attemptToDelete.add(reference.getUid());
			}
		}
	}

	private NodeSnapshot snapshot(GraphNode node) {
		List<NodeSnapshot.Dependent> dependents = new ArrayList<>();
		for (String uid : node.dependents) {
			GraphNode dependent = this.nodes.get(uid);
			if (dependent == null) {
				continue;
			}
			boolean blocks = dependent.owners.stream()
				.anyMatch(r -> Objects.equals(r.getUid(), node.identity.uid())
						&& Boolean.TRUE.equals(r.getBlockOwnerDeletion()));
			dependents.add(new NodeSnapshot.Dependent(dependent.identity, blocks, dependent.deletingDependents));
		}
		return new NodeSnapshot(node.identity, node.virtual, node.beingDeleted, node.deletingDependents, node.owners,
				List.copyOf(dependents));
	}

	/** How a dependent's ownerReferences changed, matched by owner UID. */
	record OwnerDiff(List<OwnerReference> added, List<OwnerReference> removed, List<Change> changed) {

		record Change(OwnerReference before, OwnerReference after) {
		}

		static OwnerDiff between(List<OwnerReference> before, List<OwnerReference> after) {
			Map<String, OwnerReference> old = new HashMap<>();
			before.forEach(r -> old.put(r.getUid(), r));
			Set<String> seen = new HashSet<>();
			List<OwnerReference> added = new ArrayList<>();
			List<Change> changed = new ArrayList<>();
			for (OwnerReference reference : after) {
				seen.add(reference.getUid());
				OwnerReference previous = old.get(reference.getUid());
				if (previous == null) {
					added.add(reference);
				}
				else if (!previous.equals(reference)) {
					changed.add(new Change(previous, reference));
				}
			}
			List<OwnerReference> removed = before.stream().filter(r -> !seen.contains(r.getUid())).toList();
			return new OwnerDiff(added, removed, changed);
		}

		boolean isEmpty() {
			return this.added.isEmpty() && this.removed.isEmpty() && this.changed.isEmpty();
		}

	}

}
