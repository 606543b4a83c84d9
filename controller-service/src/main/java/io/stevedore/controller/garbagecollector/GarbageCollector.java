package io.stevedore.controller.garbagecollector;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.stevedore.client.controller.Result;
import io.stevedore.client.workqueue.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's decisions (Kubernetes' {@code attemptToDeleteItem} and
 * {@code attemptToOrphanWorker}), one UID at a time. The graph says who depends on whom;
 * every decision is checked against the live objects first, because the graph may lag
 * behind.
 * <p>
 * Threading: stateless apart from the graph; workers call it concurrently, never for the
 * same UID at once.
 */
public final class GarbageCollector {

	private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

	private final GraphBuilder graph;

	private final ClusterObjects cluster;

	private final WorkQueue<String> attemptToDeleteQueue;

	public GarbageCollector(GraphBuilder graph, ClusterObjects cluster, WorkQueue<String> attemptToDeleteQueue) {
		this.graph = graph;
		this.cluster = cluster;
		this.attemptToDeleteQueue = attemptToDeleteQueue;
	}

	/**
	 * Deletes the object if none of its owners remains, finishes a foreground deletion
	 * whose blocking dependents are gone, and drops owner nodes that turn out not to
	 * exist.
	 */
	public Result attemptToDelete(String uid) {
		Optional<NodeSnapshot> found = this.graph.node(uid);
		if (found.isEmpty()) {
			return Result.done();
		}
		NodeSnapshot item = found.get();
		if (item.beingDeleted() && !item.deletingDependents()) {
			// Already going; nothing for the collector to add.
			return Result.done();
		}
		Optional<ObjectMeta> live = this.cluster.get(item.identity());
		if (live.isEmpty() || !uid.equals(live.get().getUid())) {
			if (item.virtual()) {
				log.info("owner does not exist, collecting its dependents owner=\"{}\"", item.identity());
				this.graph.absentOwnerConfirmed(uid);
			}
			// An observed object that is gone: its informer delivers the deletion.
			return Result.done();
		}
		ObjectMeta latest = live.get();
		if (item.deletingDependents() || GraphBuilder.waitingFor(GraphBuilder.FOREGROUND_DELETION, latest)) {
			return processDeletingDependents(item);
		}
		List<OwnerReference> owners = latest.getOwnerReferences();
		if (owners.isEmpty()) {
			return Result.done();
		}
		Classified references = classify(item, owners);
		if (!references.solid().isEmpty()) {
			Set<String> remove = new HashSet<>(uids(references.dangling()));
			remove.addAll(uids(references.waitingForDependentsDeletion()));
			if (!remove.isEmpty()) {
				log.info("removing references to absent or deleting owners object=\"{}\" owners={}", item.identity(),
						remove);
				this.cluster.removeOwnerReferences(item.identity(), remove);
			}
			return Result.done();
		}
		if (!references.waitingForDependentsDeletion().isEmpty() && !item.dependents().isEmpty()) {
			if (item.dependents().stream().anyMatch(NodeSnapshot.Dependent::deletingDependents)) {
				// A dependent also waits in foreground: stop blocking our owners so
				// the chain cannot wait on itself.
				this.cluster.unblockOwnerReferences(item.identity(),
						new HashSet<>(uids(references.waitingForDependentsDeletion())));
			}
			log.info("deleting object in foreground, an owner waits for it object=\"{}\"", item.identity());
			this.cluster.delete(item.identity(), "Foreground");
			return Result.done();
		}
		String policy = latest.getFinalizers().contains(GraphBuilder.ORPHAN) ? "Orphan"
				: latest.getFinalizers().contains(GraphBuilder.FOREGROUND_DELETION) ? "Foreground" : "Background";
		log.info("deleting object whose owners are gone object=\"{}\" propagationPolicy={}", item.identity(), policy);
		this.cluster.delete(item.identity(), policy);
		return Result.done();
	}

	/**
	 * Removes the owner's references from every dependent it has, then its "orphan"
	 * finalizer, which lets the apiserver delete it.
	 */
	public Result attemptToOrphan(String uid) {
		Optional<NodeSnapshot> found = this.graph.node(uid);
		if (found.isEmpty()) {
			return Result.done();
		}
		NodeSnapshot owner = found.get();
		for (NodeSnapshot.Dependent dependent : owner.dependents()) {
			this.cluster.removeOwnerReferences(dependent.identity(), Set.of(uid));
		}
		log.info("orphaned dependents, removing finalizer owner=\"{}\" dependents={} finalizer=orphan",
				owner.identity(), owner.dependents().size());
		this.cluster.removeFinalizer(owner.identity(), GraphBuilder.ORPHAN);
		return Result.done();
	}

	/**
	 * A foreground deletion finishes once no dependent with blockOwnerDeletion is left;
	 * until then each blocking dependent is pushed along. The owner comes back here when
	 * the graph sees one of them go.
	 */
	private Result processDeletingDependents(NodeSnapshot item) {
		List<NodeSnapshot.Dependent> blocking = item.blockingDependents();
		if (blocking.isEmpty()) {
			log.info("blocking dependents gone, removing finalizer object=\"{}\" finalizer=foregroundDeletion",
					item.identity());
			this.cluster.removeFinalizer(item.identity(), GraphBuilder.FOREGROUND_DELETION);
			return Result.done();
		}
		for (NodeSnapshot.Dependent dependent : blocking) {
			if (!dependent.deletingDependents()) {
				this.attemptToDeleteQueue.add(dependent.identity().uid());
			}
		}
		return Result.done();
	}

	private Classified classify(NodeSnapshot item, List<OwnerReference> owners) {
		List<OwnerReference> solid = new ArrayList<>();
		List<OwnerReference> dangling = new ArrayList<>();
		List<OwnerReference> waiting = new ArrayList<>();
		for (OwnerReference reference : owners) {
			Optional<ObjectMeta> owner = this.cluster.get(ObjectIdentity.owner(reference, item.identity().namespace()));
			if (owner.isEmpty() || !reference.getUid().equals(owner.get().getUid())) {
				dangling.add(reference);
			}
			else if (GraphBuilder.waitingFor(GraphBuilder.FOREGROUND_DELETION, owner.get())) {
				waiting.add(reference);
			}
			else {
				solid.add(reference);
			}
		}
		return new Classified(solid, dangling, waiting);
	}

	private static List<String> uids(List<OwnerReference> references) {
		return references.stream().map(OwnerReference::getUid).toList();
	}

	private record Classified(List<OwnerReference> solid, List<OwnerReference> dangling,
			List<OwnerReference> waitingForDependentsDeletion) {
	}

}
