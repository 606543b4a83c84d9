package io.stevedore.nodeagent.pod;

import java.util.List;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.nodeagent.events.EventWriter;

/**
 * {@link PodApi} and {@link ApiObjects} on fabric8. Events go through an
 * {@link EventWriter}: off this thread, a slow event write never delays a container
 * start.
 */
public final class FabricPodApi implements PodApi, ApiObjects {

	private final KubernetesClient client;

	private final EventWriter events;

	private final Function<String, List<Service>> services;

	private final OwnStatusEchoes echoes;

	/**
	 * @param services the Services of a namespace, from an informer's cache
	 * @param echoes told of every status written, so its watch echo does not sync the pod
	 * again
	 */
	public FabricPodApi(KubernetesClient client, EventWriter events, Function<String, List<Service>> services,
			OwnStatusEchoes echoes) {
		this.client = client;
		this.echoes = echoes;
		this.services = services;
		this.events = events;
	}

	@Override
	public void updateStatus(Pod pod, PodStatus status) {
		Pod updated = new PodBuilder(pod).withStatus(status).build();
		try {
			// Before the write: the watch may deliver the echo before the response.
			this.echoes.wrote(pod, status);
			this.client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(updated).updateStatus();
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 409) {
				throw ex;
			}
			// The cached pod is stale: write onto the current one (same uid only).
			Pod current = this.client.pods()
				.inNamespace(pod.getMetadata().getNamespace())
				.withName(pod.getMetadata().getName())
				.get();
			if (current == null || !current.getMetadata().getUid().equals(pod.getMetadata().getUid())) {
				return;
			}
			current.setStatus(status);
			this.client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(current).updateStatus();
		}
	}

	@Override
	public void deleteNow(Pod pod) {
		try {
			this.client.pods()
				.inNamespace(pod.getMetadata().getNamespace())
				.withName(pod.getMetadata().getName())
				.withGracePeriod(0)
				.delete();
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 404) {
				throw ex;
			}
		}
	}

	@Override
	public void event(Pod pod, String type, String reason, String message, String fieldPath) {
		this.events.record(new ObjectReferenceBuilder().withApiVersion("v1")
			.withKind("Pod")
			.withName(pod.getMetadata().getName())
			.withNamespace(pod.getMetadata().getNamespace())
			.withUid(pod.getMetadata().getUid())
			.withFieldPath(fieldPath)
			.build(), type, reason, message);
	}

	@Override
	public ConfigMap configMap(String namespace, String name) {
		return this.client.configMaps().inNamespace(namespace).withName(name).get();
	}

	@Override
	public List<Service> services(String namespace) {
		return this.services.apply(namespace);
	}

	@Override
	public Secret secret(String namespace, String name) {
		return this.client.secrets().inNamespace(namespace).withName(name).get();
	}

	@Override
	public io.fabric8.kubernetes.api.model.PersistentVolumeClaim persistentVolumeClaim(String namespace, String name) {
		return this.client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
	}

	@Override
	public io.fabric8.kubernetes.api.model.PersistentVolume persistentVolume(String name) {
		return this.client.persistentVolumes().withName(name).get();
	}

}
