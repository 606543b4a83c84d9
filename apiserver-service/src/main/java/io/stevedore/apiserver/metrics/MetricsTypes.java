package io.stevedore.apiserver.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

/**
 * The two resources of {@code metrics.k8s.io/v1beta1}, as metrics-server serves them.
 * They are added to the apiserver's own registry only (not api-machinery's standard one):
 * nothing is stored for them, so the other services, which build on the standard
 * registry, must not treat them as stored kinds.
 */
public final class MetricsTypes {

	public static final String GROUP = "metrics.k8s.io";

	public static final String VERSION = "v1beta1";

	// metrics-server leaves singularName empty in discovery.
	public static final ResourceType NODES = new ResourceType(GROUP, VERSION, "NodeMetrics", "nodes", "", false,
			List.of(), List.of(), Set.of(), NodeMetrics.class);

	public static final ResourceType PODS = new ResourceType(GROUP, VERSION, "PodMetrics", "pods", "", true, List.of(),
			List.of(), Set.of(), PodMetrics.class);

	private MetricsTypes() {
	}

	/** The standard resources plus metrics.k8s.io. */
	public static ResourceRegistry withMetrics(ResourceRegistry standard) {
		List<ResourceType> types = new ArrayList<>(standard.all());
		types.add(NODES);
		types.add(PODS);
		return new ResourceRegistry(types);
	}

	public static boolean isMetrics(ResourceType type) {
		return GROUP.equals(type.group());
	}

}
