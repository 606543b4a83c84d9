package io.stevedore.apiserver.metrics;

import java.util.Map;
import java.util.Set;

import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.selectors.FieldSelector;
import io.stevedore.machinery.selectors.LabelSelector;

/**
 * The selectors of a metrics list: labelSelector against the pod's (node's) labels,
 * fieldSelector on {@code metadata.name} (and {@code metadata.namespace} for pods), as
 * metrics-server supports them. A selector that does not parse, or names another field,
 * is a 400 BadRequest.
 */
public record MetricsSelection(LabelSelector labels, FieldSelector fields) {

	private static final Set<String> NODE_FIELDS = Set.of("metadata.name");

	private static final Set<String> POD_FIELDS = Set.of("metadata.name", "metadata.namespace");

	public static MetricsSelection parse(Map<String, String> query, boolean namespaced) {
		LabelSelector labels;
		FieldSelector fields;
		try {
			labels = LabelSelector.parse(query.getOrDefault("labelSelector", ""));
		}
		catch (IllegalArgumentException ex) {
			throw ApiException.badRequest("unable to parse labelSelector: " + ex.getMessage());
		}
		try {
			fields = FieldSelector.parse(query.getOrDefault("fieldSelector", ""));
		}
		catch (IllegalArgumentException ex) {
			throw ApiException.badRequest("unable to parse fieldSelector: " + ex.getMessage());
		}
		Set<String> supported = namespaced ? POD_FIELDS : NODE_FIELDS;
		for (FieldSelector.Requirement requirement : fields.requirements()) {
			if (!supported.contains(requirement.field())) {
				throw ApiException.badRequest("field label not supported: " + requirement.field());
			}
		}
		return new MetricsSelection(labels, fields);
	}

	public boolean matches(String namespace, String name, Map<String, String> objectLabels) {
		Map<String, String> objectFields = namespace == null ? Map.of("metadata.name", name)
				: Map.of("metadata.name", name, "metadata.namespace", namespace);
		return this.labels.matches(objectLabels == null ? Map.of() : objectLabels) && this.fields.matches(objectFields);
	}

}
