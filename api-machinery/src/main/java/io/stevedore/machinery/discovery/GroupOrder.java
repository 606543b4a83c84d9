package io.stevedore.machinery.discovery;

import java.util.Comparator;
import java.util.Map;

/**
 * The order in which {@code /apis} lists groups. kubectl's RESTMapper prefers the earlier
 * group when a resource name is ambiguous (e.g. {@code events} in the core group and in
 * events.k8s.io), so the order is Kubernetes' own (kube-aggregator's group priorities);
 * groups it does not know come last, by name.
 */
final class GroupOrder {

	private static final Map<String, Integer> PRIORITY = Map.ofEntries(Map.entry("", 100_000),
			Map.entry("apiregistration.k8s.io", 18000), Map.entry("apps", 17800), Map.entry("events.k8s.io", 17750),
			Map.entry("authentication.k8s.io", 17700), Map.entry("authorization.k8s.io", 17600),
			Map.entry("autoscaling", 17500), Map.entry("batch", 17400), Map.entry("certificates.k8s.io", 17300),
			Map.entry("networking.k8s.io", 17200), Map.entry("policy", 17100),
			Map.entry("rbac.authorization.k8s.io", 17000), Map.entry("storage.k8s.io", 16800),
			Map.entry("admissionregistration.k8s.io", 16700), Map.entry("apiextensions.k8s.io", 16400),
			Map.entry("scheduling.k8s.io", 16600), Map.entry("coordination.k8s.io", 16500),
			Map.entry("node.k8s.io", 16300), Map.entry("discovery.k8s.io", 16200),
			Map.entry("flowcontrol.apiserver.k8s.io", 16100), Map.entry("metrics.k8s.io", 100));

	static final Comparator<String> GROUPS = Comparator.<String>comparingInt(group -> -PRIORITY.getOrDefault(group, 0))
		.thenComparing(Comparator.naturalOrder());

	private GroupOrder() {
	}

}
