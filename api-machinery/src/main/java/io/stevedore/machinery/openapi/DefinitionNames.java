package io.stevedore.machinery.openapi;

import java.util.Set;

/**
 * Kubernetes' OpenAPI definition names for fabric8 model classes: the Go package path of
 * the type, e.g. {@code io.k8s.api.apps.v1.Deployment} or
 * {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}. Clients key on these names
 * (kubectl explain prints them, client generators reuse them).
 */
final class DefinitionNames {

	private static final String FABRIC8 = "io.fabric8.kubernetes.api.model";

	/** Types of k8s.io/apimachinery meta/v1 that fabric8 keeps in its core package. */
	private static final Set<String> META_V1 = Set.of("ObjectMeta", "ListMeta", "LabelSelector",
			"LabelSelectorRequirement", "OwnerReference", "ManagedFieldsEntry", "FieldsV1", "Status", "StatusDetails",
			"StatusCause", "DeleteOptions", "Preconditions", "Condition", "MicroTime", "Time", "WatchEvent",
			"APIResource", "APIResourceList", "GroupVersionForDiscovery", "ServerAddressByClientCIDR");

	private DefinitionNames() {
	}

	static String of(Class<?> type) {
		String simple = type.getSimpleName();
		String pkg = type.getPackageName();
		if (pkg.equals(FABRIC8)) {
			return switch (simple) {
				case "Quantity" -> "io.k8s.apimachinery.pkg.api.resource.Quantity";
				case "IntOrString" -> "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
				default -> META_V1.contains(simple) ? "io.k8s.apimachinery.pkg.apis.meta.v1." + simple
						: "io.k8s.api.core.v1." + simple;
			};
		}
		String rest = pkg.startsWith(FABRIC8 + ".") ? pkg.substring(FABRIC8.length() + 1) : pkg;
		String groupVersion = switch (rest) {
			// fabric8 drops the version from a few packages that only ever had v1
			case "apps" -> "apps.v1";
			case "rbac" -> "rbac.v1";
			case "storage" -> "storage.v1";
			default -> rest;
		};
		return "io.k8s.api." + groupVersion + "." + simple;
	}

}
