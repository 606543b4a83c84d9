package io.stevedore.gateway.admission.limitranger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.stevedore.machinery.quantity.Quantity;

/**
 * A pod's total requests or limits as the "Pod" limit type sees them: the sum of its
 * containers, at least the largest init container (plus the restartable sidecars started
 * before it), sidecars counted in the sum (Kubernetes' podRequests/podLimits).
 */
final class PodResources {

	private PodResources() {
	}

	static Map<String, Quantity> requests(Pod pod) {
		return total(pod, ResourceRequirements::getRequests);
	}

	static Map<String, Quantity> limits(Pod pod) {
		return total(pod, ResourceRequirements::getLimits);
	}

	/** One container's requests or limits as quantities; empty when it has none. */
	static Map<String, Quantity> of(Map<String, io.fabric8.kubernetes.api.model.Quantity> list) {
		Map<String, Quantity> result = new HashMap<>();
		if (list != null) {
			list.forEach((name, quantity) -> result.put(name, Quantity.of(quantity)));
		}
		return result;
	}

	private static Map<String, Quantity> total(Pod pod,
			Function<ResourceRequirements, Map<String, io.fabric8.kubernetes.api.model.Quantity>> field) {
		Map<String, Quantity> sum = new HashMap<>();
		for (Container container : list(pod.getSpec().getContainers())) {
			add(sum, of(resources(container, field)));
		}
		Map<String, Quantity> sidecars = new HashMap<>();
		Map<String, Quantity> initMax = new HashMap<>();
		for (Container container : list(pod.getSpec().getInitContainers())) {
			Map<String, Quantity> own = of(resources(container, field));
			Map<String, Quantity> effective;
			if ("Always".equals(container.getRestartPolicy())) {
				add(sum, own);
				add(sidecars, own);
				effective = sidecars;
			}
			else {
				effective = new HashMap<>(own);
				add(effective, sidecars);
			}
			max(initMax, effective);
		}
		max(sum, initMax);
		return sum;
	}

	private static Map<String, io.fabric8.kubernetes.api.model.Quantity> resources(Container container,
			Function<ResourceRequirements, Map<String, io.fabric8.kubernetes.api.model.Quantity>> field) {
		return container.getResources() == null ? null : field.apply(container.getResources());
	}

	private static void add(Map<String, Quantity> into, Map<String, Quantity> more) {
		more.forEach((name, quantity) -> into.merge(name, quantity, Quantity::add));
	}

	private static void max(Map<String, Quantity> into, Map<String, Quantity> other) {
		other.forEach((name, quantity) -> into.merge(name, quantity, (a, b) -> a.compareTo(b) >= 0 ? a : b));
	}

	private static <T> List<T> list(List<T> list) {
		return list == null ? List.of() : list;
	}

}
