package io.stevedore.controller.replicaset;

import java.util.Objects;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.SelectingOwners;

/**
 * Pod events to ReplicaSet keys (Kubernetes' {@code addPod}/{@code updatePod}/
 * {@code deletePod}): a pod with a controller reference wakes its ReplicaSet and lowers
 * its expectations; an orphan wakes every ReplicaSet whose selector matches it, so one
 * can adopt it. Runs on the informer thread: it only computes keys.
 */
final class PodEvents implements ResourceEventHandler<Pod> {

	private final WorkQueue<String> queue;

	private final CacheLister<ReplicaSet> replicaSets;

	private final ControllerExpectations expectations;

	private final SelectingOwners<ReplicaSet> selecting;

	PodEvents(WorkQueue<String> queue, CacheLister<ReplicaSet> replicaSets, ControllerExpectations expectations) {
		this.queue = queue;
		this.replicaSets = replicaSets;
		this.expectations = expectations;
		this.selecting = new SelectingOwners<>(replicaSets, (rs) -> rs.getSpec().getSelector());
	}

	@Override
	public void onAdd(Pod pod) {
		if (pod.getMetadata().getDeletionTimestamp() != null) {
			// A restarted controller sees pods already being deleted as adds.
			onDelete(pod, false);
			return;
		}
		String owner = ownerKey(pod);
		if (owner != null) {
			this.expectations.creationObserved(owner);
			this.queue.add(owner);
			return;
		}
		enqueueMatching(pod);
	}

	@Override
	public void onUpdate(Pod old, Pod pod) {
		if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
			return;
		}
		if (pod.getMetadata().getDeletionTimestamp() != null && old.getMetadata().getDeletionTimestamp() == null) {
			// Graceful deletion: the pod stops counting now; its delete event comes
			// later.
			String owner = ownerKey(pod);
			if (owner != null) {
				this.expectations.deletionObserved(owner);
			}
		}
		String oldOwner = ownerKey(old);
		String owner = ownerKey(pod);
		if (oldOwner != null && !oldOwner.equals(owner)) {
			this.queue.add(oldOwner);
		}
		if (owner != null) {
			this.queue.add(owner);
			return;
		}
		if (!Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels()) || oldOwner != null) {
			enqueueMatching(pod);
		}
	}

	@Override
	public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
		String owner = ownerKey(pod);
		if (owner == null) {
			return;
		}
		if (pod.getMetadata().getDeletionTimestamp() == null || deletedFinalStateUnknown) {
			this.expectations.deletionObserved(owner);
		}
		this.queue.add(owner);
	}

	/** The key of the ReplicaSet controlling the pod, if it is one we know. */
	private String ownerKey(Pod pod) {
		OwnerReference ref = ControllerRefs.controllerOf(pod);
		if (ref == null || !"ReplicaSet".equals(ref.getKind())) {
			return null;
		}
		ReplicaSet rs = this.replicaSets.get(pod.getMetadata().getNamespace(), ref.getName());
		if (rs == null || !rs.getMetadata().getUid().equals(ref.getUid())) {
			return null;
		}
		return Keys.of(rs);
	}

	private void enqueueMatching(Pod pod) {
		this.selecting.keysFor(pod).forEach(this.queue::add);
	}

}
