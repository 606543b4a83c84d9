package io.stevedore.gateway.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;

/**
 * The edges of Kubernetes' node graph that start at a pod: the Secrets, ConfigMaps,
 * PersistentVolumeClaims and ServiceAccount a pod references, which its node may
 * therefore read (or, for the ServiceAccount, ask tokens of). A mirror pod references
 * nothing: a node creates those itself, and must not gain access by naming objects in one
 * (NodeRestriction refuses such mirror pods too; this is Kubernetes' defence in depth).
 */
final class PodReferences {

	static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

	private PodReferences() {
	}

	/** The names of objects of {@code resource} the pod references. */
	static Set<String> of(Pod pod, String resource) {
		Map<String, String> annotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
		if (pod.getSpec() == null || annotations != null && annotations.containsKey(MIRROR_POD_ANNOTATION)) {
			return Set.of();
		}
		return references(pod.getSpec(), resource);
	}

	private static Set<String> references(PodSpec spec, String resource) {
		List<String> names = new ArrayList<>();
		List<Volume> volumes = orEmpty(spec.getVolumes());
		switch (resource) {
			case "secrets" -> {
				orEmpty(spec.getImagePullSecrets()).stream().map(LocalObjectReference::getName).forEach(names::add);
				volumes.stream()
					.filter((v) -> v.getSecret() != null)
					.forEach((v) -> names.add(v.getSecret().getSecretName()));
				projections(volumes).filter((p) -> p.getSecret() != null)
					.forEach((p) -> names.add(p.getSecret().getName()));
				containers(spec).forEach((c) -> {
					orEmpty(c.getEnv()).stream()
						.map(EnvVar::getValueFrom)
						.filter((from) -> from != null && from.getSecretKeyRef() != null)
						.forEach((from) -> names.add(from.getSecretKeyRef().getName()));
					orEmpty(c.getEnvFrom()).stream()
						.map(EnvFromSource::getSecretRef)
						.filter(Objects::nonNull)
						.forEach((ref) -> names.add(ref.getName()));
				});
			}
			case "configmaps" -> {
				volumes.stream()
					.filter((v) -> v.getConfigMap() != null)
					.forEach((v) -> names.add(v.getConfigMap().getName()));
				projections(volumes).filter((p) -> p.getConfigMap() != null)
					.forEach((p) -> names.add(p.getConfigMap().getName()));
				containers(spec).forEach((c) -> {
					orEmpty(c.getEnv()).stream()
						.map(EnvVar::getValueFrom)
						.filter((from) -> from != null && from.getConfigMapKeyRef() != null)
						.forEach((from) -> names.add(from.getConfigMapKeyRef().getName()));
					orEmpty(c.getEnvFrom()).stream()
						.map(EnvFromSource::getConfigMapRef)
						.filter(Objects::nonNull)
						.forEach((ref) -> names.add(ref.getName()));
				});
			}
			case "persistentvolumeclaims" -> volumes.stream()
				.filter((v) -> v.getPersistentVolumeClaim() != null)
				.forEach((v) -> names.add(v.getPersistentVolumeClaim().getClaimName()));
			case "serviceaccounts" -> names.add(spec.getServiceAccountName());
			default -> {
			}
		}
		names.removeIf((name) -> name == null || name.isEmpty());
		return Set.copyOf(names);
	}

	private static Stream<VolumeProjection> projections(List<Volume> volumes) {
		return volumes.stream()
			.filter((v) -> v.getProjected() != null)
			.flatMap((v) -> orEmpty(v.getProjected().getSources()).stream());
	}

	private static Stream<Container> containers(PodSpec spec) {
		return Stream.concat(orEmpty(spec.getContainers()).stream(), orEmpty(spec.getInitContainers()).stream());
	}

	private static <T> List<T> orEmpty(List<T> list) {
		return list == null ? List.of() : list;
	}

}
