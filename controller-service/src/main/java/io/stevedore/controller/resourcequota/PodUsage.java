package io.stevedore.controller.resourcequota;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import io.stevedore.machinery.quantity.Quantity;

/**
 * What one pod counts against a quota (Kubernetes' pod evaluator): {@code pods} and
 * {@code count/pods}, and its compute requests and limits as the scheduler sees them: the
 * larger of the containers' sum (plus restartable init containers, i.e. sidecars) and
 * each init container (plus the sidecars started before it), plus the pod overhead. Pods
 * in a terminal phase, or past their deletion grace period, count for nothing.
 */
final class PodUsage {

	static final List<String> COMPUTE = List.of("cpu", "memory", "ephemeral-storage");

	private PodUsage() {
	}

	/** Kubernetes' QuotaV1Pod: whether the pod still counts. */
	static boolean counts(Pod pod, Instant now) {
		String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
		if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
			return false;
		}
		String deletion = pod.getMetadata().getDeletionTimestamp();
		Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
		if (deletion != null && grace != null) {
			return !now.isAfter(Instant.parse(deletion).plusSeconds(grace));
		}
		return true;
	}

	/** The pod's usage under every name a quota may use. */
	static Map<String, Quantity> usage(Pod pod, Instant now) {
		Map<String, Quantity> usage = new LinkedHashMap<>();
		if (!counts(pod, now)) {
			return usage;
		}
		usage.put("pods", ResourceLists.count(1));
		usage.put("count/pods", ResourceLists.count(1));
		Map<String, Quantity> requests = effective(pod, ResourceRequirements::getRequests);
		Map<String, Quantity> limits = effective(pod, ResourceRequirements::getLimits);
		requests.forEach((name, value) -> {
			usage.put("requests." + name, value);
			if (COMPUTE.contains(name)) {
				// "cpu" and "memory" in a quota mean requests.
				usage.put(name, value);
			}
		});
		limits.forEach((name, value) -> {
			if (COMPUTE.contains(name)) {
				usage.put("limits." + name, value);
			}
		});
		return usage;
	}

	private static Map<String, Quantity> effective(Pod pod,
			Function<ResourceRequirements, Map<String, io.fabric8.kubernetes.api.model.Quantity>> list) {
		Map<String, Quantity> sum = new LinkedHashMap<>();
		for (Container container : orEmpty(pod.getSpec().getContainers())) {
			ResourceLists.addAll(sum, resources(container, list));
		}
		Map<String, Quantity> sidecars = new LinkedHashMap<>();
		Map<String, Quantity> initMax = new LinkedHashMap<>();
		for (Container init : orEmpty(pod.getSpec().getInitContainers())) {
			Map<String, Quantity> own = resources(init, list);
			if ("Always".equals(init.getRestartPolicy())) {
				ResourceLists.addAll(sidecars, own);
				ResourceLists.addAll(sum, own);
				initMax = ResourceLists.max(initMax, sidecars);
			}
			else {
				Map<String, Quantity> withSidecars = new LinkedHashMap<>(own);
				ResourceLists.addAll(withSidecars, sidecars);
				initMax = ResourceLists.max(initMax, withSidecars);
			}
		}
		Map<String, Quantity> result = ResourceLists.max(sum, initMax);
		if (pod.getSpec().getOverhead() != null) {
			Map<String, Quantity> overhead = ResourceLists.parse(pod.getSpec().getOverhead());
			// Overhead only adds to resources the pod already asks for, as Kubernetes.
			overhead.forEach((name, value) -> {
				if (result.containsKey(name)) {
					ResourceLists.add(result, name, value);
				}
			});
		}
		return result;
	}

	private static Map<String, Quantity> resources(Container container,
			Function<ResourceRequirements, Map<String, io.fabric8.kubernetes.api.model.Quantity>> list) {
		return container.getResources() == null ? Map.of() : ResourceLists.parse(list.apply(container.getResources()));
	}

	/** Kubernetes' QoS: BestEffort when no container asks for or limits cpu or memory. */
	static boolean isBestEffort(Pod pod) {
		for (List<Container> containers : List.of(orEmpty(pod.getSpec().getContainers()),
				orEmpty(pod.getSpec().getInitContainers()))) {
			for (Container container : containers) {
				for (Map<String, Quantity> list : List.of(resources(container, ResourceRequirements::getRequests),
						resources(container, ResourceRequirements::getLimits))) {
					if (list.keySet().stream().anyMatch(n -> n.equals("cpu") || n.equals("memory"))) {
						return false;
					}
				}
			}
		}
		return true;
	}

	/** Whether the pod is in every scope (spec.scopes) and matches the scope selector. */
	static boolean matchesScopes(Pod pod, List<String> scopes, List<ScopedResourceSelectorRequirement> selector) {
		for (String scope : scopes) {
			if (!matchesScope(pod, scope, "Exists", List.of())) {
				return false;
			}
		}
		for (ScopedResourceSelectorRequirement requirement : selector) {
			if (!matchesScope(pod, requirement.getScopeName(), requirement.getOperator(),
					orEmpty(requirement.getValues()))) {
				return false;
			}
		}
		return true;
	}

	private static boolean matchesScope(Pod pod, String scope, String operator, List<String> values) {
		boolean terminating = pod.getSpec().getActiveDeadlineSeconds() != null
				&& pod.getSpec().getActiveDeadlineSeconds() >= 0;
		return switch (scope) {
			case "Terminating" -> terminating;
			case "NotTerminating" -> !terminating;
			case "BestEffort" -> isBestEffort(pod);
			case "NotBestEffort" -> !isBestEffort(pod);
			case "PriorityClass" -> matchesPriorityClass(pod, operator, values);
			case "CrossNamespacePodAffinity" -> usesCrossNamespaceAffinity(pod);
			default -> false;
		};
	}

	/**
	 * As Kubernetes, the pod's priority class is a label {@code PriorityClass=<name>}
	 * that is always present (empty when unset), so DoesNotExist never matches.
	 */
	private static boolean matchesPriorityClass(Pod pod, String operator, List<String> values) {
		String name = pod.getSpec().getPriorityClassName() == null ? "" : pod.getSpec().getPriorityClassName();
		return switch (operator) {
			case "Exists" -> !name.isEmpty();
			case "DoesNotExist" -> false;
			case "In" -> values.contains(name);
			case "NotIn" -> !values.contains(name);
			default -> false;
		};
	}

	private static boolean usesCrossNamespaceAffinity(Pod pod) {
		if (pod.getSpec().getAffinity() == null) {
			return false;
		}
		var affinity = pod.getSpec().getAffinity();
		List<io.fabric8.kubernetes.api.model.PodAffinityTerm> terms = new java.util.ArrayList<>();
		if (affinity.getPodAffinity() != null) {
			terms.addAll(orEmpty(affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()));
			orEmpty(affinity.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
				.forEach(w -> terms.add(w.getPodAffinityTerm()));
		}
		if (affinity.getPodAntiAffinity() != null) {
			terms.addAll(orEmpty(affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()));
			orEmpty(affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
				.forEach(w -> terms.add(w.getPodAffinityTerm()));
		}
		return terms.stream()
			.anyMatch(t -> t != null && ((t.getNamespaces() != null && !t.getNamespaces().isEmpty())
					|| t.getNamespaceSelector() != null));
	}

	private static <T> List<T> orEmpty(List<T> list) {
		return list == null ? List.of() : list;
	}

}
