package io.stevedore.machinery.selectors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one kind offers to field selectors, as two Kubernetes functions describe it: the
 * field label conversion function registered for the kind (which labels a client may use,
 * what each means in the internal field set, and how to reject others) and the registry's
 * {@code ToSelectableFields} (the values of an object's fields, beyond
 * {@code metadata.name} and {@code metadata.namespace}).
 *
 * @param labels every label a client may use, mapped to the field it selects on
 * @param rejection the message for a label not in {@code labels}
 * @param extractor adds the kind-specific fields of an object to a field set
 */
record SelectableFields(Map<String, String> labels, Function<String, String> rejection,
		BiConsumer<JsonNode, Map<String, String>> extractor) {

	static final String NAME = "metadata.name";

	static final String NAMESPACE = "metadata.namespace";

	SelectableFields {
		labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
	}

	/**
	 * Kinds without a conversion function of their own get Kubernetes'
	 * {@code DefaultMetaV1FieldSelectorConversion}.
	 */
	static final SelectableFields DEFAULT = new SelectableFields(
			identity(NAME, NAMESPACE), label -> GoText.quote(label)
					+ " is not a known field selector: only \"metadata.name\", " + "\"metadata.namespace\"",
			(object, fields) -> {
			});

	/** Labels that select on the field of the same name. */
	static Map<String, String> identity(String... labels) {
		Map<String, String> map = new LinkedHashMap<>();
		for (String label : labels) {
			map.put(label, label);
		}
		return map;
	}

	/** The message most conversion functions of core/v1 use. */
	static String notSupported(String label) {
		return "field label not supported: " + label;
	}

	/**
	 * The field a client's label selects on.
	 * @throws IllegalArgumentException with Kubernetes' message when unsupported
	 */
	String convert(String label) {
		String field = this.labels.get(label);
		if (field == null) {
			throw new IllegalArgumentException(this.rejection.apply(label));
		}
		return field;
	}

}
