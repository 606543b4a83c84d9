package io.stevedore.machinery.selectors;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.machinery.registry.ResourceType;

/**
 * Which fields each resource can be selected by, and their values in an object: the
 * apiserver's side of field selectors.
 * <p>
 * A list or watch request goes: {@link FieldSelector#parse} the query parameter, then
 * {@link #convert} it for the resource (rejecting unsupported fields with Kubernetes'
 * message, and mapping aliases such as events.k8s.io's {@code regarding.name} or pods'
 * legacy {@code spec.host} to the field they mean), then match the converted selector
 * against {@link #fields} of each object, computed once when the object is written.
 * <p>
 * The tables follow Kubernetes v1.32: the conversion functions registered in
 * pkg/apis/&#42;/v1 and the {@code ToSelectableFields} of pkg/registry. A quirk kept on
 * purpose: apps/v1 registers no conversion function, so ReplicaSets, like every kind not
 * listed here, accept only {@code metadata.name} and {@code metadata.namespace}, with
 * Kubernetes' message for anything else.
 */
public final class FieldSelectors {

	private FieldSelectors() {
	}

	/**
	 * The selectable fields of an object given as its JSON tree: always
	 * {@code metadata.name}, {@code metadata.namespace} for namespaced resources, and the
	 * resource's own fields (e.g. {@code spec.nodeName} of a pod). Absent values are
	 * empty strings, as in Kubernetes.
	 */
	public static Map<String, String> fields(ResourceType type, JsonNode object) {
		Map<String, String> fields = new HashMap<>(16);
		JsonNode metadata = object.path("metadata");
		fields.put(SelectableFields.NAME, JsonFields.text(metadata.path("name")));
		if (type.namespaced()) {
			fields.put(SelectableFields.NAMESPACE, JsonFields.text(metadata.path("namespace")));
		}
		ResourceFieldTable.lookup(type).extractor().accept(object, fields);
		return Collections.unmodifiableMap(fields);
	}

	/**
	 * The selector with each field a client wrote replaced by the field it selects on in
	 * {@link #fields}; match objects against the result.
	 * @throws IllegalArgumentException for the first unsupported field, with Kubernetes'
	 * message, e.g. {@code field label not supported: spec.foo}
	 */
	public static FieldSelector convert(ResourceType type, FieldSelector selector) {
		SelectableFields table = ResourceFieldTable.lookup(type);
		return selector.withFields(table::convert);
	}

	/**
	 * Checks that the resource supports every field of the selector.
	 * @throws IllegalArgumentException for the first unsupported field, with Kubernetes'
	 * message
	 */
	public static void validate(ResourceType type, FieldSelector selector) {
		convert(type, selector);
	}

	/** The field labels a client may use in a selector on this resource. */
	public static Set<String> supported(ResourceType type) {
		return ResourceFieldTable.lookup(type).labels().keySet();
	}

}
