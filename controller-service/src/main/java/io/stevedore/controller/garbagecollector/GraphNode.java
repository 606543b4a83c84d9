package io.stevedore.controller.garbagecollector;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * One object in the dependency graph. Mutable, and guarded by the {@link GraphBuilder}'s
 * lock: only the builder touches it; workers see {@link NodeSnapshot}s.
 */
final class GraphNode {

	ObjectIdentity identity;

	/**
	 * Known only from a dependent's ownerReference, not yet observed by an informer (it
	 * may not exist).
	 */
	boolean virtual;

	/** Has a deletionTimestamp. */
	boolean beingDeleted;

	/** Being deleted with the foregroundDeletion finalizer: waits for its dependents. */
	boolean deletingDependents;

	List<OwnerReference> owners = List.of();

	/** UIDs of the objects whose ownerReferences name this one. */
	final Set<String> dependents = new LinkedHashSet<>();

	GraphNode(ObjectIdentity identity) {
		this.identity = identity;
	}

}
