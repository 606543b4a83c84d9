package io.stevedore.controller.deployment;

import java.util.List;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.controller.workload.OwnerReferencePatch;

/** {@link DeploymentWrites} through fabric8's client. */
final class ClientDeploymentWrites implements DeploymentWrites {

	private final KubernetesClient client;

	ClientDeploymentWrites(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public ReplicaSet createReplicaSet(ReplicaSet replicaSet) {
		return this.client.apps().replicaSets().resource(replicaSet).create();
	}

	@Override
	public ReplicaSet updateReplicaSet(ReplicaSet replicaSet) {
		return this.client.apps().replicaSets().resource(replicaSet).update();
	}

	@Override
	public void deleteReplicaSet(ReplicaSet replicaSet) {
		try {
			this.client.apps()
				.replicaSets()
				.inNamespace(replicaSet.getMetadata().getNamespace())
				.withName(replicaSet.getMetadata().getName())
				.withPropagationPolicy(DeletionPropagation.BACKGROUND)
				.delete();
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 404) {
				throw ex;
			}
		}
	}

	@Override
	public void patchReplicaSetOwnerReferences(ReplicaSet replicaSet, List<OwnerReference> ownerReferences) {
		OwnerReferencePatch.apply(this.client, replicaSet, ownerReferences);
	}

	@Override
	public Deployment updateDeployment(Deployment deployment) {
		return this.client.apps().deployments().resource(deployment).update();
	}

	@Override
	public Deployment updateDeploymentStatus(Deployment deployment) {
		return this.client.apps().deployments().resource(deployment).updateStatus();
	}

}
