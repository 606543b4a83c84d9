package io.stevedore.controller.workload;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** {@link PodControl} through fabric8's client. */
public final class ClientPodControl implements PodControl {

	/** Kubernetes' name length limit minus the 5 random characters generateName adds. */
	private static final int MAX_GENERATE_NAME_PREFIX = 63 - 5;

	private final KubernetesClient client;

	public ClientPodControl(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public Pod createPod(PodTemplateSpec template, HasMetadata owner) {
		Pod pod = PodTemplates.podFromTemplate(template, owner);
		pod.getMetadata().setGenerateName(generateNamePrefix(owner.getMetadata().getName() + "-"));
		return this.client.pods().inNamespace(owner.getMetadata().getNamespace()).resource(pod).create();
	}

	/** Kubernetes' {@code getPodsPrefix}: short enough for the generated suffix. */
	static String generateNamePrefix(String prefix) {
		return prefix.length() > MAX_GENERATE_NAME_PREFIX ? prefix.substring(0, MAX_GENERATE_NAME_PREFIX) : prefix;
	}

	@Override
	public void deletePod(String namespace, String name, HasMetadata owner) {
		if (this.client.pods().inNamespace(namespace).withName(name).delete().isEmpty()) {
			// fabric8 answers a 404 with an empty list instead of an exception.
			throw new KubernetesClientException("pods \"" + name + "\" not found", 404, null);
		}
	}

	@Override
	public void patchOwnerReferences(Pod pod, List<OwnerReference> ownerReferences) {
		OwnerReferencePatch.apply(this.client, pod, ownerReferences);
	}

}
