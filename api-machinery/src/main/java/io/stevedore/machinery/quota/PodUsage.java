package io.stevedore.machinery.quota;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
public final class PodUsage {

	public static final List<String> COMPUTE = List.of("cpu", "memory", "ephemeral-storage");

	/** Kubernetes' validationSet: quota names a pod's every container must state. */
	private static final Set<String> CONSTRAINED = Set.of("cpu", "memory", "requests.cpu", "requests.memory",
			"limits.cpu", "limits.memory");

	private PodUsage() {
	}

	/** Kubernetes' QuotaV1Pod: whether the pod still counts. */
	public static boolean counts(Pod pod, Instant now) {
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
	public static Map<String, Quantity> usage(Pod pod, Instant now) {
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

	/**
	 * Kubernetes' podEvaluator.Constraints: when a quota limits cpu or memory (requests,
	 * limits or the plain names), every container and init container must state it. A
	 * backward-compatibility rule of Kubernetes (it couples validation with counting),
	 * kept because clients depend on the refusal.
	 * @param required the quota's resource names that the pod evaluator covers
	 * @return {@code must specify limits.cpu for: a,b; requests.memory for: a}, names
	 * sorted, or empty when nothing is missing
	 */
	public static Optional<String> missingConstraints(Pod pod, Collection<String> required) {
		Set<String> requiredSet = new TreeSet<>(required);
		requiredSet.retainAll(CONSTRAINED);
		if (requiredSet.isEmpty()) {
			return Optional.empty();
		}
		Map<String, Set<String>> missing = new TreeMap<>();
		List<Container> containers = new ArrayList<>(orEmpty(pod.getSpec().getContainers()));
		containers.addAll(orEmpty(pod.getSpec().getInitContainers()));
		for (Container container : containers) {
			Set<String> stated = new TreeSet<>();
			resources(container, ResourceRequirements::getRequests).keySet().forEach((name) -> {
				if (name.equals("cpu") || name.equals("memory")) {
					stated.add(name);
					stated.add("requests." + name);
				}
			});
			resources(container, ResourceRequirements::getLimits).keySet().forEach((name) -> {
				if (name.equals("cpu") || name.equals("memory")) {
					stated.add("limits." + name);
				}
			});
			for (String name : requiredSet) {
				if (!stated.contains(name)) {
					missing.computeIfAbsent(name, (key) -> new TreeSet<>()).add(container.getName());
				}
			}
		}
		if (missing.isEmpty()) {
			return Optional.empty();
		}
		List<String> parts = new ArrayList<>();
		missing.forEach((name, names) -> parts.add(name + " for: " + String.join(",", names)));
		return Optional.of("must specify " + String.join("; ", parts));
	}

	/** Kubernetes' QoS: BestEffort when no container asks for or limits cpu or memory. */
	public static boolean isBestEffort(Pod pod) {
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
	public static boolean matchesScopes(Pod pod, List<String> scopes,
			List<ScopedResourceSelectorRequirement> selector) {
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
		List<io.fabric8.kubernetes.api.model.PodAffinityTerm> terms = new ArrayList<>();
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
