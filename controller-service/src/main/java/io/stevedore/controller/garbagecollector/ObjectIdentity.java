package io.stevedore.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * Which object a graph node stands for (Kubernetes' {@code objectReference}): kind and
 * coordinates plus the UID, because a name may be reused by a new object that is not the
 * owner a dependent points to.
 *
 * @param namespace empty for cluster-scoped objects; for an owner known only from a
 * reference, the dependent's namespace (owners live in their dependents' namespace or are
 * cluster-scoped)
 */
public record ObjectIdentity(String apiVersion, String kind, String namespace, String name, String uid) {

	public static ObjectIdentity of(String apiVersion, String kind, ObjectMeta meta) {
		return new ObjectIdentity(apiVersion, kind, meta.getNamespace() == null ? "" : meta.getNamespace(),
				meta.getName(), meta.getUid());
	}

	public static ObjectIdentity owner(OwnerReference reference, String dependentNamespace) {
		return new ObjectIdentity(reference.getApiVersion(), reference.getKind(),
				dependentNamespace == null ? "" : dependentNamespace, reference.getName(), reference.getUid());
	}

	@Override
	public String toString() {
		return this.apiVersion + "/" + this.kind + " " + (this.namespace.isEmpty() ? "" : this.namespace + "/")
				+ this.name + " uid=" + this.uid;
	}

}
