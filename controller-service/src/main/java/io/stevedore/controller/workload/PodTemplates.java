package io.stevedore.controller.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * A pod from a controller's template (Kubernetes' {@code GetPodFromTemplate}): the
 * template's labels, annotations, finalizers and a deep copy of its spec, owned by the
 * controller. The template itself, a cached object, is never mutated.
 */
public final class PodTemplates {

	private PodTemplates() {
	}

	public static Pod podFromTemplate(PodTemplateSpec template, HasMetadata owner) {
		PodTemplateSpec copy = Serialization.clone(template);
		ObjectMeta source = copy.getMetadata() == null ? new ObjectMeta() : copy.getMetadata();
		ObjectMeta meta = new ObjectMeta();
		meta.setNamespace(owner.getMetadata().getNamespace());
		meta.setLabels(source.getLabels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(source.getLabels()));
		meta.setAnnotations(
				source.getAnnotations() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(source.getAnnotations()));
		meta.setFinalizers(
				source.getFinalizers() == null ? new ArrayList<>() : new ArrayList<>(source.getFinalizers()));
		meta.setOwnerReferences(new ArrayList<>(List.of(ControllerRefs.of(owner))));
		Pod pod = new Pod();
		pod.setApiVersion("v1");
		pod.setKind("Pod");
		pod.setMetadata(meta);
		pod.setSpec(copy.getSpec());
		return pod;
	}

}
