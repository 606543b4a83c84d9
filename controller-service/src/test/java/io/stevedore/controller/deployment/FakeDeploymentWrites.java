package io.stevedore.controller.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.controller.replicaset.InMemoryLister;

/**
 * Applies the Deployment controller's writes to in-memory listers, as the apiserver and a
 * fresh informer would, and records them.
 */
final class FakeDeploymentWrites implements DeploymentWrites {

	private final AtomicInteger uids = new AtomicInteger();

	final InMemoryLister<Deployment> deployments;

	final InMemoryLister<ReplicaSet> replicaSets;

	final List<ReplicaSet> created = new ArrayList<>();

	final List<ReplicaSet> updated = new ArrayList<>();

	final List<String> deleted = new ArrayList<>();

	final List<String> adopted = new ArrayList<>();

	final List<Deployment> statusWrites = new ArrayList<>();

	String creationTimestamp = "2026-01-01T00:00:00Z";

	/** A ReplicaSet the apiserver already holds under the name the controller picks. */
	boolean createConflicts;

	FakeDeploymentWrites(InMemoryLister<Deployment> deployments, InMemoryLister<ReplicaSet> replicaSets) {
		this.deployments = deployments;
		this.replicaSets = replicaSets;
	}

	@Override
	public ReplicaSet createReplicaSet(ReplicaSet replicaSet) {
		if (this.createConflicts) {
			throw new KubernetesClientException("already exists", 409, null);
		}
		ReplicaSet stored = Serialization.clone(replicaSet);
		stored.getMetadata().setUid("rs-uid-" + this.uids.incrementAndGet());
		stored.getMetadata().setCreationTimestamp(this.creationTimestamp);
		stored.getMetadata().setGeneration(1L);
		stored.getMetadata().setResourceVersion("1");
		this.created.add(stored);
		this.replicaSets.put(stored);
		return Serialization.clone(stored);
	}

	@Override
	public ReplicaSet updateReplicaSet(ReplicaSet replicaSet) {
		ReplicaSet stored = Serialization.clone(replicaSet);
		this.updated.add(stored);
		this.replicaSets.put(stored);
		return Serialization.clone(stored);
	}

	@Override
	public void deleteReplicaSet(ReplicaSet replicaSet) {
		this.deleted.add(replicaSet.getMetadata().getName());
		this.replicaSets.remove(replicaSet);
	}

	@Override
	public void patchReplicaSetOwnerReferences(ReplicaSet replicaSet, List<OwnerReference> ownerReferences) {
		ReplicaSet stored = Serialization.clone(replicaSet);
		stored.getMetadata().setOwnerReferences(ownerReferences);
		this.adopted.add(stored.getMetadata().getName());
		this.replicaSets.put(stored);
	}

	@Override
	public Deployment updateDeployment(Deployment deployment) {
		Deployment stored = Serialization.clone(deployment);
		this.deployments.put(stored);
		return Serialization.clone(stored);
	}

	@Override
	public Deployment updateDeploymentStatus(Deployment deployment) {
		Deployment stored = Serialization.clone(deployment);
		this.statusWrites.add(stored);
		this.deployments.put(stored);
		return Serialization.clone(stored);
	}

	/** The last status written. */
	Deployment lastStatus() {
		return this.statusWrites.get(this.statusWrites.size() - 1);
	}

}
