package io.stevedore.machinery.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Finds and removes the JSON fields a decoded object did not know. fabric8 model classes
 * keep such fields in {@code additionalProperties} instead of failing; kube-apiserver's
 * {@code fieldValidation=Strict} rejects them ({@code unknown field "spec.replcas"}) and
 * {@code Warn}/{@code Ignore} drop them. This walks the typed object graph (model
 * objects, lists and maps of them) and reports each unknown field's path, list items as
 * {@code spec.containers[0].imagee}.
 *
 * <p>
 * Per-class reflection data is computed once and cached, so a walk costs one getter call
 * per set field. Thread-safe; the object walked must not be shared while it is mutated.
 */
public final class UnknownFields {

	private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

	private static final ObjectMapper INTROSPECTION = new ObjectMapper();

	/** The JSON properties of a model class and whether it keeps unknown fields. */
	private record ClassInfo(boolean walkable, java.lang.reflect.Method additional, List<Property> properties) {
	}

	private record Property(String name, AnnotatedMember accessor) {
	}

	private static final ClassValue<ClassInfo> INFO = new ClassValue<>() {
		@Override
		protected ClassInfo computeValue(Class<?> type) {
			return introspect(type);
		}
	};

	private UnknownFields() {
	}

	/**
	 * The paths of the unknown fields in {@code obj}, in document order within each
	 * object; the fields are removed from the object.
	 */
	public static List<String> collectAndStrip(Object obj) {
		List<String> found = new ArrayList<>();
		walk(obj, "", found);
		return found;
	}

	/** kube-apiserver's text for one path: {@code unknown field "spec.replcas"}. */
	public static String message(String path) {
		return "unknown field \"" + path + "\"";
	}

	private static void walk(Object value, String path, List<String> found) {
		if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
			return;
		}
		if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				walk(list.get(i), path + "[" + i + "]", found);
			}
			return;
		}
		if (value instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> e : map.entrySet()) {
				walk(e.getValue(), join(path, String.valueOf(e.getKey())), found);
			}
			return;
		}
		ClassInfo info = INFO.get(value.getClass());
		if (!info.walkable()) {
			return;
		}
		Map<String, Object> unknown = additionalProperties(info, value);
		if (unknown != null && !unknown.isEmpty()) {
			for (String key : unknown.keySet()) {
				found.add(join(path, key));
			}
			unknown.clear();
		}
		for (Property p : info.properties()) {
			Object child = p.accessor().getValue(value);
			if (child != null
					&& (child instanceof List || child instanceof Map || INFO.get(child.getClass()).walkable())) {
				walk(child, join(path, p.name()), found);
			}
		}
	}

	private static String join(String path, String name) {
		return path.isEmpty() ? name : path + "." + name;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> additionalProperties(ClassInfo info, Object value) {
		try {
			return (Map<String, Object>) info.additional().invoke(value);
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

	/**
	 * Model classes are walked; values that hold free-form JSON on purpose (managed
	 * fields, int-or-string, quantities, raw extensions) are not.
	 */
	private static ClassInfo introspect(Class<?> type) {
		boolean model = type.getName().startsWith(MODEL_PACKAGE) && !AnyType.class.isAssignableFrom(type)
				&& type != FieldsV1.class && type != Quantity.class && !type.getSimpleName().equals("RawExtension")
				&& !type.getSimpleName().equals("GenericKubernetesResource") && hasAdditionalProperties(type);
		if (!model) {
			return new ClassInfo(false, null, List.of());
		}
		BeanDescription description = INTROSPECTION.getSerializationConfig()
			.introspect(INTROSPECTION.constructType(type));
		List<Property> properties = new ArrayList<>();
		for (BeanPropertyDefinition def : description.findProperties()) {
			AnnotatedMember accessor = def.getAccessor();
			if (accessor == null || accessor.getRawType().isPrimitive() || accessor.getRawType() == String.class) {
				continue;
			}
			accessor.fixAccess(true);
			properties.add(new Property(def.getName(), accessor));
		}
		try {
			return new ClassInfo(true, type.getMethod("getAdditionalProperties"), List.copyOf(properties));
		}
		catch (NoSuchMethodException ex) {
			return new ClassInfo(false, null, List.of());
		}
	}

	private static boolean hasAdditionalProperties(Class<?> type) {
		try {
			return Map.class.isAssignableFrom(type.getMethod("getAdditionalProperties").getReturnType());
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

}
