package io.stevedore.controller.podgc;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/** {@link PodGcControl} through the fabric8 client. */
final class ClientPodGcControl implements PodGcControl {

	private final KubernetesClient client;

	ClientPodGcControl(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public boolean nodeExists(String name) {
		return this.client.nodes().withName(name).get() != null;
	}

	@Override
	public Pod updateStatus(Pod pod) {
		return this.client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
	}

	@Override
	public void forceDelete(Pod pod) {
		this.client.pods()
			.inNamespace(pod.getMetadata().getNamespace())
			.withName(pod.getMetadata().getName())
			.withGracePeriod(0)
			.delete();
	}

}
