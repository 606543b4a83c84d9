package io.stevedore.controller.deployment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.OnDelete;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.SelectingOwners;

/**
 * ReplicaSet and pod events to Deployment keys, on the informer thread: a ReplicaSet
 * wakes the Deployment controlling it (an orphan, every Deployment selecting it); a
 * deleted pod wakes its ReplicaSet's Deployment, which a Recreate rollout waits for.
 */
final class DeploymentEvents {

	private final WorkQueue<String> queue;

	private final CacheLister<Deployment> deployments;

	private final CacheLister<ReplicaSet> replicaSets;

	private final SelectingOwners<Deployment> selecting;

	DeploymentEvents(WorkQueue<String> queue, CacheLister<Deployment> deployments,
			CacheLister<ReplicaSet> replicaSets) {
		this.queue = queue;
		this.deployments = deployments;
		this.replicaSets = replicaSets;
		this.selecting = new SelectingOwners<>(deployments, (d) -> d.getSpec().getSelector());
	}

	ResourceEventHandler<ReplicaSet> replicaSetHandler() {
		return new ResourceEventHandler<>() {
			@Override
			public void onAdd(ReplicaSet rs) {
				enqueueOwnerOrSelecting(rs);
			}

			@Override
			public void onUpdate(ReplicaSet old, ReplicaSet rs) {
				String oldOwner = deploymentKey(old, ControllerRefs.controllerOf(old));
				String owner = deploymentKey(rs, ControllerRefs.controllerOf(rs));
				if (oldOwner != null && !oldOwner.equals(owner)) {
					queue.add(oldOwner);
				}
				enqueueOwnerOrSelecting(rs);
			}

			@Override
			public void onDelete(ReplicaSet rs, boolean deletedFinalStateUnknown) {
				String owner = deploymentKey(rs, ControllerRefs.controllerOf(rs));
				if (owner != null) {
					queue.add(owner);
				}
			}
		};
	}

	ResourceEventHandler<Pod> podHandler() {
		return OnDelete.of((pod) -> {
			OwnerReference ref = ControllerRefs.controllerOf(pod);
			if (ref == null || !"ReplicaSet".equals(ref.getKind())) {
				return;
			}
			ReplicaSet rs = this.replicaSets.get(pod.getMetadata().getNamespace(), ref.getName());
			if (rs != null && rs.getMetadata().getUid().equals(ref.getUid())) {
				String owner = deploymentKey(rs, ControllerRefs.controllerOf(rs));
				if (owner != null) {
					this.queue.add(owner);
				}
			}
		});
	}

	private void enqueueOwnerOrSelecting(ReplicaSet rs) {
		OwnerReference ref = ControllerRefs.controllerOf(rs);
		if (ref != null) {
			String owner = deploymentKey(rs, ref);
			if (owner != null) {
				this.queue.add(owner);
			}
			return;
		}
		this.selecting.keysFor(rs).forEach(this.queue::add);
	}

	private String deploymentKey(HasMetadata rs, OwnerReference ref) {
		if (ref == null || !"Deployment".equals(ref.getKind())) {
			return null;
		}
		Deployment d = this.deployments.get(rs.getMetadata().getNamespace(), ref.getName());
		return d != null && d.getMetadata().getUid().equals(ref.getUid()) ? Keys.of(d) : null;
	}

}
