package io.stevedore.controller.deployment;

import java.util.List;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

/**
 * Every write of the Deployment controller, behind an interface so the sync is
 * unit-tested against a fake. Updates carry the object's resourceVersion: a stale cache
 * gets a conflict, and the sync is retried.
 */
public interface DeploymentWrites {

	/**
	 * @throws io.fabric8.kubernetes.client.KubernetesClientException 409 when it exists
	 */
	ReplicaSet createReplicaSet(ReplicaSet replicaSet);

	/** Replaces spec and metadata (scaling, revision annotations). */
	ReplicaSet updateReplicaSet(ReplicaSet replicaSet);

	/** Deletes an old ReplicaSet (revision history cleanup), guarded by its UID. */
	void deleteReplicaSet(ReplicaSet replicaSet);

	void patchReplicaSetOwnerReferences(ReplicaSet replicaSet, List<OwnerReference> ownerReferences);

	/** Replaces metadata (the revision annotation); the spec is the user's. */
	Deployment updateDeployment(Deployment deployment);

	Deployment updateDeploymentStatus(Deployment deployment);

}
