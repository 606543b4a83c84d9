package io.stevedore.machinery.quota;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.stevedore.machinery.quantity.Quantity;

/**
 * Kubernetes' quota.CalculateUsage for one ResourceQuota: the usage of each resource
 * named in spec.hard, from the evaluator that knows it (pods, services, PVCs, object
 * counts). A quota with scopes counts only pods that are in its scopes; its other
 * resources stay at 0 (validation only lets pod resources be scoped). A name no evaluator
 * knows gets no usage, as Kubernetes.
 */
public final class QuotaUsage {

	private static final String STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/";

	/** Core resources counted by their plain name, as {@code count/<name>} is. */
	private static final List<String> OBJECT_COUNTS = List.of("configmaps", "secrets", "replicationcontrollers",
			"resourcequotas");

	private QuotaUsage() {
	}

	public static Map<String, Quantity> used(ResourceQuota quota, NamespaceObjects objects, Instant now) {
		String ns = quota.getMetadata().getNamespace();
		Map<String, io.fabric8.kubernetes.api.model.Quantity> hard = quota.getSpec() == null ? Map.of()
				: quota.getSpec().getHard() == null ? Map.of() : quota.getSpec().getHard();
		List<String> scopes = quota.getSpec() == null || quota.getSpec().getScopes() == null ? List.of()
				: quota.getSpec().getScopes();
		List<ScopedResourceSelectorRequirement> selector = quota.getSpec() == null
				|| quota.getSpec().getScopeSelector() == null
				|| quota.getSpec().getScopeSelector().getMatchExpressions() == null ? List.of()
						: quota.getSpec().getScopeSelector().getMatchExpressions();
		boolean scoped = !scopes.isEmpty() || !selector.isEmpty();
		Map<String, Quantity> pods = null;
		Map<String, Quantity> services = null;
		Map<String, Quantity> claims = null;
		Map<String, Quantity> used = new LinkedHashMap<>();
		for (String name : hard.keySet()) {
			Quantity value;
			if (isPodResource(name)) {
				if (pods == null) {
					pods = podUsage(objects.pods(ns), scopes, selector, now);
				}
				value = pods.getOrDefault(name, Quantity.ZERO);
			}
			else if (scoped) {
				value = Quantity.ZERO;
			}
			else if (isServiceResource(name)) {
				if (services == null) {
					services = serviceUsage(objects.services(ns));
				}
				value = services.getOrDefault(name, Quantity.ZERO);
			}
			else if (isClaimResource(name)) {
				if (claims == null) {
					claims = claimUsage(objects.persistentVolumeClaims(ns));
				}
				value = claims.getOrDefault(name, Quantity.ZERO);
			}
			else if (OBJECT_COUNTS.contains(name) || name.startsWith("count/")) {
				String resource = name.startsWith("count/") ? name.substring("count/".length()) : name;
				Long count = objects.count(ns, resource);
				if (count == null) {
					continue;
				}
				value = ResourceLists.count(count);
			}
			else {
				continue;
			}
			used.put(name, value);
		}
		return used;
	}

	/**
	 * Kubernetes' evaluator.Usage for one object: what it adds to any quota, under every
	 * name a quota may use. Pods, Services and PVCs by their evaluators; any other
	 * resource counts as one {@code count/<resource>[.<group>]} (and under its plain name
	 * for the core kinds that quotas also count that way).
	 * @param groupResource {@code pods}, {@code configmaps}, {@code deployments.apps} …
	 */
	public static Map<String, Quantity> usage(String groupResource, HasMetadata object, Instant now) {
		if (object instanceof Pod pod) {
			return withHugePages(PodUsage.usage(pod, now));
		}
		if (object instanceof Service service) {
			return serviceUsage(List.of(service));
		}
		if (object instanceof PersistentVolumeClaim claim) {
			return claimUsage(List.of(claim));
		}
		Map<String, Quantity> usage = new LinkedHashMap<>();
		usage.put("count/" + groupResource, ResourceLists.count(1));
		if (OBJECT_COUNTS.contains(groupResource)) {
			usage.put(groupResource, ResourceLists.count(1));
		}
		return usage;
	}

	/**
	 * Kubernetes' evaluator.MatchingResources: whether a quota's resource name is one the
	 * evaluator of {@code groupResource} counts.
	 */
	public static boolean covers(String groupResource, String name) {
		return switch (groupResource) {
			case "pods" -> isPodResource(name);
			case "services" -> isServiceResource(name);
			case "persistentvolumeclaims" -> isClaimResource(name);
			default -> name.equals("count/" + groupResource)
					|| (OBJECT_COUNTS.contains(groupResource) && name.equals(groupResource));
		};
	}

	/**
	 * Kubernetes' evaluator.Matches on scopes: an unscoped quota matches every object; a
	 * scoped one (spec.scopes or spec.scopeSelector) only pods in all its scopes.
	 */
	public static boolean matchesScopes(ResourceQuota quota, HasMetadata object) {
		List<String> scopes = quota.getSpec() == null || quota.getSpec().getScopes() == null ? List.of()
				: quota.getSpec().getScopes();
		List<ScopedResourceSelectorRequirement> selector = quota.getSpec() == null
				|| quota.getSpec().getScopeSelector() == null
				|| quota.getSpec().getScopeSelector().getMatchExpressions() == null ? List.of()
						: quota.getSpec().getScopeSelector().getMatchExpressions();
		if (scopes.isEmpty() && selector.isEmpty()) {
			return true;
		}
		return object instanceof Pod pod && PodUsage.matchesScopes(pod, scopes, selector);
	}

	private static boolean isServiceResource(String name) {
		return name.equals("services") || name.startsWith("services.") || name.equals("count/services");
	}

	private static boolean isPodResource(String name) {
		return name.equals("pods") || name.equals("count/pods") || PodUsage.COMPUTE.contains(name)
				|| name.startsWith("limits.") || (name.startsWith("requests.") && !name.equals("requests.storage"))
				|| name.startsWith("hugepages-");
	}

	private static boolean isClaimResource(String name) {
		return name.equals("persistentvolumeclaims") || name.equals("count/persistentvolumeclaims")
				|| name.equals("requests.storage") || name.contains(STORAGE_CLASS_SUFFIX);
	}

	private static Map<String, Quantity> podUsage(List<Pod> pods, List<String> scopes,
			List<ScopedResourceSelectorRequirement> selector, Instant now) {
		Map<String, Quantity> total = new LinkedHashMap<>();
		for (Pod pod : pods) {
			if (PodUsage.matchesScopes(pod, scopes, selector)) {
				ResourceLists.addAll(total, PodUsage.usage(pod, now));
			}
		}
		return withHugePages(total);
	}

	/** hugepages-<size> in a quota means requests.hugepages-<size>. */
	private static Map<String, Quantity> withHugePages(Map<String, Quantity> usage) {
		usage.entrySet()
			.stream()
			.filter(e -> e.getKey().startsWith("requests.hugepages-"))
			.toList()
			.forEach(e -> usage.put(e.getKey().substring("requests.".length()), e.getValue()));
		return usage;
	}

	/**
	 * Kubernetes' service evaluator: a NodePort Service uses one node port per port; a
	 * LoadBalancer one too, unless allocateLoadBalancerNodePorts is false (then only the
	 * ports given one explicitly).
	 */
	private static Map<String, Quantity> serviceUsage(List<Service> services) {
		long nodePorts = 0;
		long loadBalancers = 0;
		for (Service service : services) {
			String type = service.getSpec() == null ? null : service.getSpec().getType();
			int ports = service.getSpec() == null || service.getSpec().getPorts() == null ? 0
					: service.getSpec().getPorts().size();
			if ("NodePort".equals(type)) {
				nodePorts += ports;
			}
			else if ("LoadBalancer".equals(type)) {
				loadBalancers++;
				if (Boolean.FALSE.equals(service.getSpec().getAllocateLoadBalancerNodePorts())) {
					nodePorts += service.getSpec()
						.getPorts()
						.stream()
						.filter(p -> p.getNodePort() != null && p.getNodePort() != 0)
						.count();
				}
				else {
					nodePorts += ports;
				}
			}
		}
		Map<String, Quantity> usage = new LinkedHashMap<>();
		usage.put("services", ResourceLists.count(services.size()));
		usage.put("count/services", ResourceLists.count(services.size()));
		usage.put("services.nodeports", ResourceLists.count(nodePorts));
		usage.put("services.loadbalancers", ResourceLists.count(loadBalancers));
		return usage;
	}

	/**
	 * Kubernetes' PVC evaluator: counts and requested storage, in total and per storage
	 * class ({@code <class>.storageclass.storage.k8s.io/requests.storage}).
	 */
	private static Map<String, Quantity> claimUsage(List<PersistentVolumeClaim> claims) {
		Map<String, Quantity> usage = new LinkedHashMap<>();
		usage.put("persistentvolumeclaims", ResourceLists.count(claims.size()));
		usage.put("count/persistentvolumeclaims", ResourceLists.count(claims.size()));
		for (PersistentVolumeClaim claim : claims) {
			String storageClass = claim.getSpec() == null ? null : claim.getSpec().getStorageClassName();
			Quantity storage = requestedStorage(claim);
			if (storage != null) {
				ResourceLists.add(usage, "requests.storage", storage);
			}
			if (storageClass != null && !storageClass.isEmpty()) {
				String prefix = storageClass + STORAGE_CLASS_SUFFIX;
				ResourceLists.add(usage, prefix + "persistentvolumeclaims", ResourceLists.count(1));
				if (storage != null) {
					ResourceLists.add(usage, prefix + "requests.storage", storage);
				}
			}
		}
		return usage;
	}

	/** The larger of the request and what was allocated (a resize in progress). */
	private static Quantity requestedStorage(PersistentVolumeClaim claim) {
		Map<String, Quantity> requested = claim.getSpec() == null || claim.getSpec().getResources() == null ? Map.of()
				: ResourceLists.parse(claim.getSpec().getResources().getRequests());
		Map<String, Quantity> allocated = claim.getStatus() == null ? Map.of()
				: ResourceLists.parse(claim.getStatus().getAllocatedResources());
		return ResourceLists.max(requested, allocated).get("storage");
	}

}
