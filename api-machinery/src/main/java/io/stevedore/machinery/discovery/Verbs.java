package io.stevedore.machinery.discovery;

import java.util.List;

import io.stevedore.machinery.registry.ResourceType;

/** The verbs discovery advertises for a resource. */
final class Verbs {

	private static final List<String> WITHOUT_DELETECOLLECTION = ResourceType.STANDARD_VERBS.stream()
		.filter(v -> !v.equals("deletecollection"))
		.toList();

	/** metrics-server serves metrics.k8s.io read-only: get and list, no watch. */
	private static final List<String> GET_LIST = List.of("get", "list");

	private Verbs() {
	}

	static List<String> of(ResourceType type) {
		// Kubernetes does not offer deletecollection on namespaces: deleting every
		// namespace at once is never what anybody means.
		if (type.group().isEmpty() && type.plural().equals("namespaces")) {
			return WITHOUT_DELETECOLLECTION;
		}
		if (type.group().equals("metrics.k8s.io")) {
			return GET_LIST;
		}
		return ResourceType.STANDARD_VERBS;
	}

}
