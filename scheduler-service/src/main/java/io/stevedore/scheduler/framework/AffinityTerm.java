package io.stevedore.scheduler.framework;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.stevedore.machinery.selectors.LabelSelector;

/**
 * A parsed (anti-)affinity term of a pod: which pods it selects (label selector, in which
 * namespaces) and over which topology domain ({@code topologyKey}). Kubernetes'
 * {@code framework.AffinityTerm}.
 *
 * @param selector pods the term selects
 * @param namespaces namespaces listed by the term (the pod's own when both this and
 * {@code namespaceSelector} are empty)
 * @param namespaceSelector also selects namespaces by their labels; null for none
 * @param topologyKey node label whose value is the domain
 * @param weight the preferred term's weight; 0 for a required term
 */
public record AffinityTerm(LabelSelector selector, Set<String> namespaces, LabelSelector namespaceSelector,
		String topologyKey, int weight) {

	/** Whether {@code pod} is one this term selects. */
	public boolean matches(PodInfo pod, Function<String, Map<String, String>> namespaceLabels) {
		String namespace = pod.namespace();
		boolean inNamespace = this.namespaces.contains(namespace)
				|| (this.namespaceSelector != null && this.namespaceSelector.matches(namespaceLabels.apply(namespace)));
		return inNamespace && this.selector.matches(pod.labels());
	}

}
