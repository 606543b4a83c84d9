package io.stevedore.controller.workload;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/** {@link PodControl} through fabric8's client. */
public final class ClientPodControl implements PodControl {

	private final KubernetesClient client;

	public ClientPodControl(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public Pod createPod(String namespace, PodTemplateSpec template, HasMetadata owner, OwnerReference controllerRef) {
		return this.client.pods()
			.inNamespace(namespace)
			.resource(podFromTemplate(template, owner, controllerRef))
			.create();
	}

	/**
	 * Kubernetes' {@code GetPodFromTemplate}: labels, annotations and finalizers from the
	 * template, a generated name prefixed by the owner's name.
	 */
	public static Pod podFromTemplate(PodTemplateSpec template, HasMetadata owner, OwnerReference controllerRef) {
		var templateMeta = template.getMetadata();
		Map<String, String> labels = templateMeta == null || templateMeta.getLabels() == null ? new HashMap<>()
				: new HashMap<>(templateMeta.getLabels());
		Map<String, String> annotations = templateMeta == null || templateMeta.getAnnotations() == null
				? new HashMap<>() : new HashMap<>(templateMeta.getAnnotations());
		List<String> finalizers = templateMeta == null || templateMeta.getFinalizers() == null ? List.of()
				: templateMeta.getFinalizers();
		String prefix = owner.getMetadata().getName() + "-";
		return new PodBuilder()
			.withMetadata(new ObjectMetaBuilder().withGenerateName(OwnerRefs.generateNamePrefix(prefix))
				.withLabels(labels)
				.withAnnotations(annotations)
				.withFinalizers(finalizers)
				.withOwnerReferences(controllerRef)
				.build())
			.withSpec(new PodBuilder().withSpec(template.getSpec()).build().getSpec())
			.build();
	}

	@Override
	public void deletePod(String namespace, String name, HasMetadata owner) {
		try {
			this.client.pods().inNamespace(namespace).withName(name).delete();
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 404) {
				throw ex;
			}
		}
	}

	@Override
	public void patchOwnerReferences(Pod pod, List<OwnerReference> ownerReferences) {
		Map<String, Object> metadata = new HashMap<>();
		metadata.put("ownerReferences", ownerReferences);
		metadata.put("resourceVersion", pod.getMetadata().getResourceVersion());
		metadata.put("uid", pod.getMetadata().getUid());
		this.client.pods()
			.inNamespace(pod.getMetadata().getNamespace())
			.withName(pod.getMetadata().getName())
			.patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata", metadata)));
	}

}
