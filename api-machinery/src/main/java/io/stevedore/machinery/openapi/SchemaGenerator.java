package io.stevedore.machinery.openapi;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.machinery.schema.FieldKind;
import io.stevedore.machinery.schema.FieldSchema;
import io.stevedore.machinery.schema.ListType;
import io.stevedore.machinery.schema.MapType;
import io.stevedore.machinery.schema.PatchStrategy;
import io.stevedore.machinery.schema.TypeSchema;

/**
 * Writes OpenAPI schema definitions of fabric8 model classes, walking the shared
 * {@link TypeSchema} (JSON names, element types, Kubernetes merge tags) rather than
 * reflecting a second time. Struct types become definitions referenced by name;
 * {@code x-kubernetes-list-type}, {@code -list-map-keys}, {@code -map-type},
 * {@code -patch-merge-key} and {@code -patch-strategy} are what kubectl's client-side
 * apply computes strategic merge patches from, so they follow k8s.io/api's tags.
 *
 * <p>
 * Not thread-safe: one generator fills one definitions map.
 */
final class SchemaGenerator {

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	private static final Map<String, String> COMMON_DESCRIPTIONS = Map.of("apiVersion",
			"APIVersion defines the versioned schema of this representation of an object. Servers should convert "
					+ "recognized schemas to the latest internal value, and may reject unrecognized values. More info: "
					+ "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
			"kind",
			"Kind is a string value representing the REST resource this object represents. Servers may infer this "
					+ "from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: "
					+ "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
			"metadata",
			"Standard object's metadata. More info: "
					+ "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
			"spec",
			"Specification of the desired behavior of the object. More info: "
					+ "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
			"status", "Most recently observed status of the object. Populated by the system. Read-only. More info: "
					+ "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status");

	private final Dialect dialect;

	private final Map<String, ObjectNode> definitions = new TreeMap<>();

	SchemaGenerator(Dialect dialect) {
		this.dialect = dialect;
	}

	Map<String, ObjectNode> definitions() {
		return this.definitions;
	}

	/**
	 * Adds the definition of a struct class and of every type it reaches; returns its
	 * name.
	 */
	String define(Class<?> type) {
		String name = DefinitionNames.of(type);
		if (this.definitions.containsKey(name)) {
			return name;
		}
		ObjectNode definition = JSON.objectNode();
		// registered before the walk so recursive types (JSONSchemaProps) terminate
		this.definitions.put(name, definition);
		TypeSchema schema = TypeSchema.of(type);
		definition.put("type", "object");
		ObjectNode properties = definition.putObject("properties");
		for (FieldSchema field : schema.fields()) {
			properties.set(field.jsonName(), property(field));
		}
		List<String> required = RequiredFields.of(name)
			.stream()
			.filter(schema.fields().stream().map(FieldSchema::jsonName).collect(Collectors.toSet())::contains)
			.toList();
		if (!required.isEmpty()) {
			required.forEach(definition.putArray("required")::add);
		}
		if (schema.atomic()) {
			definition.put("x-kubernetes-map-type", "atomic");
		}
		return name;
	}

	/** Marks a definition as the top-level kind of a group/version. */
	void addGroupVersionKind(String definitionName, String group, String version, String kind) {
		ObjectNode gvk = this.definitions.get(definitionName).putArray("x-kubernetes-group-version-kind").addObject();
		gvk.put("group", group);
		gvk.put("kind", kind);
		gvk.put("version", version);
	}

	/**
	 * The generic text Kubernetes gives a field of that name in every kind
	 * ({@code apiVersion}, {@code kind}, ...), or null.
	 */
	static String commonDescription(String jsonName) {
		return COMMON_DESCRIPTIONS.get(jsonName);
	}

	/**
	 * A described reference: wrapped in allOf in OpenAPI 3, where $ref has no siblings.
	 */
	ObjectNode describedRef(String definitionName, String description) {
		ObjectNode node = this.dialect == Dialect.V3 ? wrap(ref(definitionName)) : ref(definitionName);
		node.put("description", description);
		return node;
	}

	/** A schema referring to a definition, by the dialect's rules for siblings. */
	ObjectNode ref(String definitionName) {
		ObjectNode node = JSON.objectNode();
		node.put("$ref", this.dialect.ref(definitionName));
		return node;
	}

	void put(String name, ObjectNode definition) {
		this.definitions.putIfAbsent(name, definition);
	}

	private ObjectNode property(FieldSchema field) {
		ObjectNode node = switch (field.kind()) {
			case OBJECT -> withSiblings(ref(define(field.javaType())), field);
			case LIST -> {
				ObjectNode list = JSON.objectNode();
				list.put("type", "array");
				list.set("items", element(field.elementKind(), field.elementType()));
				yield list;
			}
			case MAP -> {
				ObjectNode map = JSON.objectNode();
				map.put("type", "object");
				map.set("additionalProperties", element(field.elementKind(), field.elementType()));
				yield map;
			}
			case SCALAR -> scalar(field.javaType());
		};
		String description = COMMON_DESCRIPTIONS.get(field.jsonName());
		if (description != null) {
			node.put("description", description);
		}
		tags(node, field);
		return node;
	}

	/**
	 * OpenAPI 3 ignores the siblings of a {@code $ref}, so Kubernetes wraps references
	 * that carry a description or extensions in {@code allOf}; Swagger 2 tolerates them.
	 */
	private ObjectNode withSiblings(ObjectNode ref, FieldSchema field) {
		boolean siblings = !field.patchStrategies().isEmpty() || field.patchMergeKey() != null
				|| COMMON_DESCRIPTIONS.containsKey(field.jsonName());
		return siblings && this.dialect == Dialect.V3 ? wrap(ref) : ref;
	}

	private static ObjectNode wrap(ObjectNode ref) {
		ObjectNode node = JSON.objectNode();
		node.putArray("allOf").add(ref);
		return node;
	}

	private void tags(ObjectNode node, FieldSchema field) {
		if (field.kind() == FieldKind.LIST && field.listType() != ListType.ATOMIC) {
			node.put("x-kubernetes-list-type", field.listType().tag());
			if (field.listType() == ListType.MAP) {
				field.listMapKeys().forEach(node.putArray("x-kubernetes-list-map-keys")::add);
			}
		}
		if (field.kind() == FieldKind.MAP && field.mapType() == MapType.ATOMIC) {
			node.put("x-kubernetes-map-type", "atomic");
		}
		if (field.patchMergeKey() != null) {
			node.put("x-kubernetes-patch-merge-key", field.patchMergeKey());
		}
		if (!field.patchStrategies().isEmpty()) {
			// Kubernetes writes "merge,retainKeys": merge first
			String strategies = java.util.stream.Stream
				.of(PatchStrategy.MERGE, PatchStrategy.REPLACE, PatchStrategy.RETAIN_KEYS)
				.filter(field::hasPatchStrategy)
				.map(PatchStrategy::tag)
				.collect(Collectors.joining(","));
			node.put("x-kubernetes-patch-strategy", strategies);
		}
	}

	private ObjectNode element(FieldKind kind, Class<?> type) {
		return kind == FieldKind.OBJECT ? ref(define(type)) : scalar(type);
	}

	/** Leaves: JSON types, and the model types Kubernetes serializes as strings. */
	ObjectNode scalar(Class<?> type) {
		ObjectNode node = JSON.objectNode();
		if (type == String.class) {
			node.put("type", "string");
		}
		else if (type == Integer.class || type == int.class) {
			node.put("type", "integer");
			node.put("format", "int32");
		}
		else if (type == Long.class || type == long.class) {
			node.put("type", "integer");
			node.put("format", "int64");
		}
		else if (type == Boolean.class || type == boolean.class) {
			node.put("type", "boolean");
		}
		else if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
			node.put("type", "number");
			node.put("format", "double");
		}
		else if (type == Quantity.class) {
			put(DefinitionNames.of(Quantity.class), special(List.of("string", "number"), null,
					"Quantity is a fixed-point representation of a number, e.g. 100m, 1Gi or 1.5."));
			return ref(DefinitionNames.of(Quantity.class));
		}
		else if (type == IntOrString.class) {
			put(DefinitionNames.of(IntOrString.class), special(List.of("integer", "string"), "int-or-string",
					"IntOrString is a type that can hold an int32 or a string."));
			return ref(DefinitionNames.of(IntOrString.class));
		}
		else if (type == MicroTime.class) {
			put(DefinitionNames.of(MicroTime.class), special(List.of("string"), "date-time",
					"MicroTime is version of Time with microsecond level precision."));
			return ref(DefinitionNames.of(MicroTime.class));
		}
		else if (type.getSimpleName().equals("Duration")) {
			node.put("type", "string");
		}
		else {
			// untyped (RawExtension, JSON values): anything goes, kept as sent
			node.put("type", "object");
			node.put("x-kubernetes-preserve-unknown-fields", true);
		}
		return node;
	}

	/**
	 * A model type serialized as a JSON scalar. Swagger 2 says it is a string (with a
	 * format). In OpenAPI 3, one that accepts several JSON types has no {@code type}, as
	 * in Kubernetes' documents, where kubectl explain names it ({@code <IntOrString>},
	 * {@code map[string]Quantity}) rather than printing {@code <string>}; the accepted
	 * types are listed as {@code oneOf}.
	 */
	private ObjectNode special(List<String> types, String format, String description) {
		ObjectNode node = JSON.objectNode();
		node.put("description", description);
		if (this.dialect == Dialect.V2 || types.size() == 1) {
			node.put("type", "string");
		}
		else {
			ArrayNode oneOf = node.putArray("oneOf");
			types.forEach((type) -> oneOf.addObject().put("type", type));
		}
		if (format != null) {
			node.put("format", format);
		}
		return node;
	}

}
