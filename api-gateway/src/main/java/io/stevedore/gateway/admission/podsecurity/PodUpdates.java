package io.stevedore.gateway.admission.podsecurity;

import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Which pod updates PodSecurity looks at, as Kubernetes v1.32's
 * {@code isSignificantPodUpdate}: a pod's spec is immutable but for container images and
 * added ephemeral containers, so an update that only touches labels, annotations or
 * status is admitted unchecked. A pod admitted before its namespace was labelled can thus
 * still be relabelled or have its finalizers removed. (Seccomp annotations stopped
 * counting in v1.27, when kubelets stopped reading them.)
 */
final class PodUpdates {

	private PodUpdates() {
	}

	static boolean significant(Pod pod, Pod old) {
		PodSpec spec = spec(pod);
		PodSpec oldSpec = spec(old);
		if (imagesChanged(nonNull(spec.getContainers()), nonNull(oldSpec.getContainers()))
				|| imagesChanged(nonNull(spec.getInitContainers()), nonNull(oldSpec.getInitContainers()))) {
			return true;
		}
		for (EphemeralContainer container : nonNull(spec.getEphemeralContainers())) {
			EphemeralContainer before = nonNull(oldSpec.getEphemeralContainers()).stream()
				.filter((candidate) -> Objects.equals(candidate.getName(), container.getName()))
				.findFirst()
				.orElse(null);
			if (before == null || !Objects.equals(container.getImage(), before.getImage())) {
				return true;
			}
		}
		return false;
	}

	private static boolean imagesChanged(List<Container> containers, List<Container> old) {
		if (containers.size() != old.size()) {
			return true;
		}
		for (int i = 0; i < containers.size(); i++) {
			if (!Objects.equals(containers.get(i).getImage(), old.get(i).getImage())) {
				return true;
			}
		}
		return false;
	}

	private static PodSpec spec(Pod pod) {
		return pod.getSpec() == null ? new PodSpec() : pod.getSpec();
	}

	private static <T> List<T> nonNull(List<T> list) {
		return list == null ? List.of() : list;
	}

}
