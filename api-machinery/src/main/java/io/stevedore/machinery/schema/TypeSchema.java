package io.stevedore.machinery.schema;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.Duration;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The fields of one Kubernetes struct type, derived from its fabric8 model class (JSON
 * names from Jackson's {@code @JsonProperty}, element types from generics) and tagged
 * with Kubernetes' merge semantics from {@link KubernetesTags}. Built once per class and
 * cached; instances are immutable and safe to share between threads.
 *
 * <pre>
 * TypeSchema.of(PodSpec.class).field("containers")
 *     -> FieldSchema[jsonName=containers, kind=LIST, elementType=Container,
 *                    listType=MAP, listMapKeys=[name], patchMergeKey=name, ...]
 * </pre>
 */
public final class TypeSchema {

	private static final Map<Class<?>, TypeSchema> CACHE = new ConcurrentHashMap<>();

	/**
	 * Model classes Kubernetes serializes as a JSON string or number, not as an object.
	 */
	private static final Set<Class<?>> SCALAR_MODEL_TYPES = Set.of(Quantity.class, IntOrString.class, Duration.class,
			MicroTime.class, AnyType.class);

	private final Class<?> javaType;

	private final Map<String, FieldSchema> fields;

	private final boolean atomic;

	/**
	 * The node of each field's value, made once: tree walks (every write's managedFields)
	 * ask for them per JSON field.
	 */
	private final Map<String, SchemaNode> nodes;

	private TypeSchema(Class<?> javaType) {
		this.javaType = javaType;
		this.fields = Collections.unmodifiableMap(reflectFields(javaType));
		this.atomic = KubernetesTags.isAtomicStruct(javaType);
		Map<String, SchemaNode> nodes = new HashMap<>();
		this.fields.forEach((name, field) -> nodes.put(name, field.node()));
		this.nodes = nodes;
	}

	/** The schema of a fabric8 model class; cached. */
	public static TypeSchema of(Class<?> javaType) {
		if (!isStruct(javaType)) {
			throw new IllegalArgumentException(javaType.getName() + " is not a Kubernetes struct type");
		}
		TypeSchema cached = CACHE.get(javaType);
		if (cached == null) {
			cached = new TypeSchema(javaType);
			TypeSchema raced = CACHE.putIfAbsent(javaType, cached);
			cached = raced == null ? cached : raced;
		}
		return cached;
	}

	public Class<?> javaType() {
		return this.javaType;
	}

	/** The fields in declaration order. */
	public Collection<FieldSchema> fields() {
		return this.fields.values();
	}

	public Optional<FieldSchema> field(String jsonName) {
		return Optional.ofNullable(this.fields.get(jsonName));
	}

	/** {@code field(jsonName).map(FieldSchema::node)}, or {@code null}: one lookup. */
	SchemaNode fieldNode(String jsonName) {
		return this.nodes.get(jsonName);
	}

	/**
	 * Whether the struct is one value for merging and ownership
	 * ({@code +structType=atomic}, e.g. {@code LabelSelector}).
	 */
	public boolean atomic() {
		return this.atomic;
	}

	/** The type node of a whole value of this type, for tree walks. */
	public SchemaNode node() {
		return SchemaNode.root(this.javaType);
	}

	/**
	 * Whether a class is a struct with named JSON fields, rather than a scalar Kubernetes
	 * serializes as a string or number.
	 */
	public static boolean isStruct(Class<?> type) {
		if (type == null || type.isPrimitive() || type.isEnum() || type.isInterface() || type.isArray()
				|| SCALAR_MODEL_TYPES.contains(type) || JsonNode.class.isAssignableFrom(type)) {
			return false;
		}
		return type.getName().startsWith("io.fabric8.kubernetes.api.model.");
	}

	private static Map<String, FieldSchema> reflectFields(Class<?> type) {
		List<Class<?>> hierarchy = new ArrayList<>();
		for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
			hierarchy.add(0, c);
		}
		Map<String, FieldSchema> result = new LinkedHashMap<>();
		for (Class<?> c : hierarchy) {
			for (Field f : c.getDeclaredFields()) {
				if (Modifier.isStatic(f.getModifiers()) || f.isAnnotationPresent(JsonIgnore.class)
						|| f.getName().equals("additionalProperties")) {
					continue;
				}
				JsonProperty property = f.getAnnotation(JsonProperty.class);
				String name = (property != null && !property.value().isEmpty()) ? property.value() : f.getName();
				result.put(name, describe(type, name, f.getGenericType()));
			}
		}
		return result;
	}

	private static FieldSchema describe(Class<?> owner, String name, Type genericType) {
		Class<?> raw = rawClass(genericType);
		KubernetesTags.Tag tag = KubernetesTags.tag(owner, name);
		if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
			Class<?> element = raw.isArray() ? raw.getComponentType() : rawClass(typeArgument(genericType, 0));
			return new FieldSchema(name, FieldKind.LIST, raw, elementKind(element), element, tag.listType(),
					tag.listMapKeys(), tag.keyDefaults(), MapType.GRANULAR, tag.patchMergeKey(), tag.patchStrategies());
		}
		if (Map.class.isAssignableFrom(raw)) {
			Class<?> element = rawClass(typeArgument(genericType, 1));
			return new FieldSchema(name, FieldKind.MAP, raw, elementKind(element), element, ListType.ATOMIC, List.of(),
					Map.of(), tag.mapType(), tag.patchMergeKey(), tag.patchStrategies());
		}
		FieldKind kind = isStruct(raw) ? FieldKind.OBJECT : FieldKind.SCALAR;
		MapType mapType = kind == FieldKind.OBJECT && KubernetesTags.isAtomicStruct(raw) ? MapType.ATOMIC
				: tag.mapType();
		return new FieldSchema(name, kind, raw, null, null, ListType.ATOMIC, List.of(), Map.of(), mapType,
				tag.patchMergeKey(), tag.patchStrategies());
	}

	/**
	 * Elements that are themselves lists or maps are opaque: no built-in type has them.
	 */
	private static FieldKind elementKind(Class<?> element) {
		return isStruct(element) ? FieldKind.OBJECT : FieldKind.SCALAR;
	}

	private static Type typeArgument(Type type, int index) {
		if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
			return p.getActualTypeArguments()[index];
		}
		return Object.class;
	}

	private static Class<?> rawClass(Type type) {
		if (type instanceof Class<?> c) {
			return c;
		}
		if (type instanceof ParameterizedType p) {
			return rawClass(p.getRawType());
		}
		if (type instanceof WildcardType w && w.getUpperBounds().length > 0) {
			return rawClass(w.getUpperBounds()[0]);
		}
		return Object.class;
	}

	@Override
	public String toString() {
		return "TypeSchema(" + this.javaType.getSimpleName() + ")";
	}

}
