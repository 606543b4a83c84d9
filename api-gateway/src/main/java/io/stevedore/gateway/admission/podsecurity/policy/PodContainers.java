package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;

/**
 * Every container of a pod in the order Kubernetes' visitor walks them (init containers,
 * containers, ephemeral containers), which is the order names appear in messages. fabric8
 * has no common type for a container and an ephemeral container, hence this view.
 */
record PodContainers(String name, SecurityContext securityContext, List<ContainerPort> ports) {

	static List<PodContainers> of(PodSpec spec) {
		List<PodContainers> all = new ArrayList<>();
		for (Container container : nonNull(spec.getInitContainers())) {
			all.add(view(container));
		}
		for (Container container : nonNull(spec.getContainers())) {
			all.add(view(container));
		}
		for (EphemeralContainer container : nonNull(spec.getEphemeralContainers())) {
			all.add(new PodContainers(nameOf(container.getName()), container.getSecurityContext(),
					nonNull(container.getPorts())));
		}
		return all;
	}

	private static PodContainers view(Container container) {
		return new PodContainers(nameOf(container.getName()), container.getSecurityContext(),
				nonNull(container.getPorts()));
	}

	private static String nameOf(String name) {
		return name == null ? "" : name;
	}

	static <T> List<T> nonNull(List<T> list) {
		return list == null ? List.of() : list;
	}

}
