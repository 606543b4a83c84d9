package io.stevedore.controller.statefulset;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.controller.workload.OwnerReferencePatch;

/** {@link StatefulSetControl} through the fabric8 client. */
final class ClientStatefulSetControl implements StatefulSetControl {

	private final KubernetesClient client;

	ClientStatefulSetControl(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public void createPod(Pod pod) {
		this.client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
	}

	@Override
	public void deletePod(Pod pod) {
		this.client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
	}

	@Override
	public boolean createClaimIfAbsent(PersistentVolumeClaim claim) {
		try {
			this.client.persistentVolumeClaims()
				.inNamespace(claim.getMetadata().getNamespace())
				.resource(claim)
				.create();
			return true;
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 409) {
				throw ex;
			}
			return false;
		}
	}

	@Override
	public void patchOwnerReferences(HasMetadata object, List<OwnerReference> ownerReferences) {
		OwnerReferencePatch.apply(this.client, object, ownerReferences);
	}

	@Override
	public void updateStatus(StatefulSet set) {
		this.client.apps().statefulSets().inNamespace(set.getMetadata().getNamespace()).resource(set).updateStatus();
	}

}
