package io.stevedore.controller.garbagecollector;

import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * The collector's side effects on the API, behind an interface so its decisions are
 * unit-tested against a fake. Every method reads or writes the live object (never a
 * cache) and resolves the kind to a resource itself; a namespace is ignored for a
 * cluster-scoped kind.
 */
public interface ClusterObjects {

	/**
	 * The live object's metadata by kind, namespace and name; empty when it does not
	 * exist. The caller compares UIDs.
	 */
	Optional<ObjectMeta> get(ObjectIdentity identity);

	/**
	 * Deletes the object with a UID precondition and the given propagation policy
	 * (Background, Foreground or Orphan). Already gone is success.
	 */
	void delete(ObjectIdentity identity, String propagationPolicy);

	/**
	 * Removes the ownerReferences to these owner UIDs; gone or already clear is success.
	 */
	void removeOwnerReferences(ObjectIdentity dependent, Set<String> ownerUids);

	/**
	 * Sets blockOwnerDeletion=false on the ownerReferences to these owner UIDs, so a
	 * cycle of foreground deletions cannot wait on itself.
	 */
	void unblockOwnerReferences(ObjectIdentity dependent, Set<String> ownerUids);

	/** Removes one finalizer; gone or already without it is success. */
	void removeFinalizer(ObjectIdentity identity, String finalizer);

}
