package io.stevedore.controller.job;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Kubernetes' {@code finalizerExpectations}: the uids of pods whose tracking finalizer
 * this controller removed, until the pod informer shows the pod without it (or deleted).
 * Until then the cache still shows the finalizer on a pod already counted, and a sync
 * must not count it again.
 */
final class FinalizerRemovals {

	private final Set<String> pending = ConcurrentHashMap.newKeySet();

	void expect(String uid) {
		this.pending.add(uid);
	}

	/** The informer's view of a pod changed: an update without the finalizer ends it. */
	void observed(Pod pod) {
		if (!JobTracking.isTracked(pod)) {
			gone(pod);
		}
	}

	/** The pod was deleted, or its removal failed: nothing more to wait for. */
	void gone(Pod pod) {
		if (pod.getMetadata().getUid() != null) {
			this.pending.remove(pod.getMetadata().getUid());
		}
	}

	boolean pending(String uid) {
		return this.pending.contains(uid);
	}

}
