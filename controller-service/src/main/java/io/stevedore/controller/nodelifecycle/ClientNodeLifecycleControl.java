package io.stevedore.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/** {@link NodeLifecycleControl} through the fabric8 client. */
final class ClientNodeLifecycleControl implements NodeLifecycleControl {

	private final KubernetesClient client;

	ClientNodeLifecycleControl(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public Node updateStatus(Node node) {
		return this.client.nodes().resource(node).updateStatus();
	}

	@Override
	public Node update(Node node) {
		return this.client.nodes().resource(node).update();
	}

	@Override
	public void deletePod(Pod pod) {
		this.client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
	}

}
