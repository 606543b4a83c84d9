package io.stevedore.machinery.schema;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One field of a Kubernetes type: its JSON name, shape and the merge tags Kubernetes
 * gives it. What {@code x-kubernetes-*} extensions and patch tags say in Kubernetes'
 * OpenAPI document, as Java values.
 *
 * @param jsonName the property name on the wire
 * @param kind the shape of the value
 * @param javaType the Java class of the value (of the list or map itself for those)
 * @param elementKind for lists and maps, the shape of the elements; else {@code null}
 * @param elementType for lists and maps, the Java class of the elements; else
 * {@code null}
 * @param listType for lists, how elements are identified (default atomic)
 * @param listMapKeys for {@link ListType#MAP} lists, the key fields of an element
 * @param keyDefaults defaults of key fields an element may omit ({@code protocol: TCP}
 * for ports), as Kubernetes' OpenAPI declares them
 * @param mapType for maps and structs, granular or atomic
 * @param patchMergeKey the strategic merge patch key of list elements, or {@code null}
 * @param patchStrategies the strategic merge patch strategies, empty if none
 */
public record FieldSchema(String jsonName, FieldKind kind, Class<?> javaType, FieldKind elementKind,
		Class<?> elementType, ListType listType, List<String> listMapKeys, Map<String, String> keyDefaults,
		MapType mapType, String patchMergeKey, Set<PatchStrategy> patchStrategies) {

	public FieldSchema {
		listMapKeys = List.copyOf(listMapKeys);
		keyDefaults = Map.copyOf(keyDefaults);
		patchStrategies = Set.copyOf(patchStrategies);
	}

	public boolean hasPatchStrategy(PatchStrategy strategy) {
		return this.patchStrategies.contains(strategy);
	}

	/** The schema of this struct-valued field, or {@code null} for other kinds. */
	public TypeSchema objectSchema() {
		return this.kind == FieldKind.OBJECT ? TypeSchema.of(this.javaType) : null;
	}

	/** The schema of struct elements of a list or map, or {@code null} if not structs. */
	public TypeSchema elementSchema() {
		return this.elementKind == FieldKind.OBJECT ? TypeSchema.of(this.elementType) : null;
	}

	/** The type node of this field's value, for walking a JSON tree alongside it. */
	public SchemaNode node() {
		return SchemaNode.ofField(this);
	}

}
