package io.stevedore.gateway.admission.podsecurity;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.gateway.admission.InformerLister;

import org.springframework.context.SmartLifecycle;

/**
 * Namespaces from an informer, so a pod write costs no request of its own. A namespace
 * the informer has not seen yet (created a moment ago, or before the first list) is read
 * from the apiserver, as kube-apiserver's PodSecurity falls back from its lister to a
 * live GET. Pods are listed live: only a namespace whose enforce level is tightened needs
 * them, which is rare, and a pod cache in the gateway would cost memory on every pod.
 */
public final class InformerClusterReader implements ClusterReader, SmartLifecycle {

	private final KubernetesClient client;

	private final InformerLister<Namespace> namespaces;

	public InformerClusterReader(KubernetesClient client) {
		this.client = client;
		this.namespaces = new InformerLister<>(() -> client.namespaces().runnableInformer(0));
	}

	@Override
	public Optional<Namespace> namespace(String name) {
		Optional<Namespace> cached = this.namespaces.get("", name);
		if (cached.isPresent()) {
			return cached;
		}
		return Optional.ofNullable(this.client.namespaces().withName(name).get());
	}

	@Override
	public List<Pod> pods(String namespace) {
		return this.client.pods().inNamespace(namespace).list().getItems();
	}

	@Override
	public void start() {
		this.namespaces.start();
	}

	@Override
	public void stop() {
		this.namespaces.stop();
	}

	@Override
	public boolean isRunning() {
		return this.namespaces.isRunning();
	}

}
