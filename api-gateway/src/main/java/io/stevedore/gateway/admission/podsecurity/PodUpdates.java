package io.stevedore.gateway.admission.podsecurity;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Which pod updates PodSecurity looks at, as Kubernetes' {@code isSignificantPodUpdate}:
 * a pod's spec is immutable but for container images (and added ephemeral containers), so
 * an update that only touches labels, annotations or status is admitted unchecked. A pod
 * admitted before its namespace was labelled can thus still be relabelled or have its
 * finalizers removed.
 */
final class PodUpdates {

	private static final String SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

	private PodUpdates() {
	}

	static boolean significant(Pod pod, Pod old) {
		PodSpec spec = spec(pod);
		PodSpec oldSpec = spec(old);
		Map<String, String> annotations = annotations(pod);
		Map<String, String> oldAnnotations = annotations(old);
		List<Container> containers = nonNull(spec.getContainers());
		List<Container> oldContainers = nonNull(oldSpec.getContainers());
		List<Container> initContainers = nonNull(spec.getInitContainers());
		List<Container> oldInitContainers = nonNull(oldSpec.getInitContainers());
		if (containers.size() != oldContainers.size() || initContainers.size() != oldInitContainers.size()) {
			return true;
		}
		for (int i = 0; i < containers.size(); i++) {
			if (significant(containers.get(i).getName(), containers.get(i).getImage(), oldContainers.get(i).getImage(),
					annotations, oldAnnotations)) {
				return true;
			}
		}
		for (int i = 0; i < initContainers.size(); i++) {
			if (significant(initContainers.get(i).getName(), initContainers.get(i).getImage(),
					oldInitContainers.get(i).getImage(), annotations, oldAnnotations)) {
				return true;
			}
		}
		for (EphemeralContainer container : nonNull(spec.getEphemeralContainers())) {
			EphemeralContainer before = nonNull(oldSpec.getEphemeralContainers()).stream()
				.filter((candidate) -> Objects.equals(candidate.getName(), container.getName()))
				.findFirst()
				.orElse(null);
			if (before == null || significant(container.getName(), container.getImage(), before.getImage(), annotations,
					oldAnnotations)) {
				return true;
			}
		}
		return false;
	}

	private static boolean significant(String name, String image, String oldImage, Map<String, String> annotations,
			Map<String, String> oldAnnotations) {
		String seccompKey = SECCOMP_CONTAINER_ANNOTATION_PREFIX + name;
		return !Objects.equals(image, oldImage)
				|| !Objects.equals(annotations.get(seccompKey), oldAnnotations.get(seccompKey));
	}

	private static PodSpec spec(Pod pod) {
		return pod.getSpec() == null ? new PodSpec() : pod.getSpec();
	}

	private static Map<String, String> annotations(Pod pod) {
		return pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null ? Map.of()
				: pod.getMetadata().getAnnotations();
	}

	private static <T> List<T> nonNull(List<T> list) {
		return list == null ? List.of() : list;
	}

}
