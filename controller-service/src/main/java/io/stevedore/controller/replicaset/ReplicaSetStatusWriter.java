package io.stevedore.controller.replicaset;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;

/**
 * Writes a ReplicaSet's status subresource, guarded by the cached resourceVersion (a
 * conflict fails the sync, which retries on a fresher cache).
 */
@FunctionalInterface
public interface ReplicaSetStatusWriter {

	void updateStatus(ReplicaSet replicaSet, ReplicaSetStatus status);

}
