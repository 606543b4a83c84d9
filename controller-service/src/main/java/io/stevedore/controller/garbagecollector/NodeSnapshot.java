package io.stevedore.controller.garbagecollector;

import java.util.List;

import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * A graph node as a worker sees it: a copy taken under the graph's lock.
 *
 * @param dependents the objects whose ownerReferences name this node
 * @param blockingDependents those of them whose reference has blockOwnerDeletion=true
 */
public record NodeSnapshot(ObjectIdentity identity, boolean virtual, boolean beingDeleted, boolean deletingDependents,
		List<OwnerReference> owners, List<NodeSnapshot.Dependent> dependents) {

	public List<Dependent> blockingDependents() {
		return this.dependents.stream().filter(Dependent::blocksOwnerDeletion).toList();
	}

	/**
	 * @param deletingDependents the dependent is itself in foreground deletion
	 */
	public record Dependent(ObjectIdentity identity, boolean blocksOwnerDeletion, boolean deletingDependents) {
	}

}
