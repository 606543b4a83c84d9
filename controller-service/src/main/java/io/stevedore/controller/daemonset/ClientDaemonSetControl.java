package io.stevedore.controller.daemonset;

import java.util.List;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.workload.OwnerReferencePatch;

/** {@link DaemonSetControl} through the fabric8 client. */
final class ClientDaemonSetControl implements DaemonSetControl {

	private final KubernetesClient client;

	ClientDaemonSetControl(KubernetesClient client) {
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
	public void patchOwnerReferences(Pod pod, List<OwnerReference> ownerReferences) {
		OwnerReferencePatch.apply(this.client, pod, ownerReferences);
	}

	@Override
	public void updateStatus(DaemonSet daemonSet) {
		this.client.apps()
			.daemonSets()
			.inNamespace(daemonSet.getMetadata().getNamespace())
			.resource(daemonSet)
			.updateStatus();
	}

}
