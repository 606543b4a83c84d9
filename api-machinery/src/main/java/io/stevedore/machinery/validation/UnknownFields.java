package io.stevedore.machinery.validation;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
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
 * per set field. The getters are called through generated lambdas, not
 * {@code Method.invoke} (which was three quarters of the walk's cost on every create),
 * and a field's path is only spelled out when the field is unknown. Thread-safe; the
 * object walked must not be shared while it is mutated.
 */
public final class UnknownFields {

	private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

	private static final ObjectMapper INTROSPECTION = new ObjectMapper();

	/** The JSON properties of a model class and whether it keeps unknown fields. */
	private record ClassInfo(boolean walkable, Function<Object, Object> additional, List<Property> properties) {
	}

	private record Property(String name, Function<Object, Object> getter) {
	}

	/**
	 * Where a value sits, spelled out only for an unknown field: a field of the parent
	 * object ({@code name}), or an item of the parent list ({@code index}).
	 */
	private record Path(Path parent, String name, int index) {

		static final Path ROOT = new Path(null, "", -1);

		Path field(String field) {
			return new Path(this, field, -1);
		}

		Path item(int i) {
			return new Path(this, null, i);
		}

		String join(String field) {
			String path = toString();
			return path.isEmpty() ? field : path + "." + field;
		}

		@Override
		public String toString() {
			if (this.parent == null) {
				return this.name;
			}
			return (this.name == null) ? this.parent + "[" + this.index + "]" : this.parent.join(this.name);
		}

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
		walk(obj, Path.ROOT, found);
		return found;
	}

	/** kube-apiserver's text for one path: {@code unknown field "spec.replcas"}. */
	public static String message(String path) {
		return "unknown field \"" + path + "\"";
	}

	private static void walk(Object value, Path path, List<String> found) {
		if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
			return;
		}
		if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				Object item = list.get(i);
				if (item != null && !(item instanceof String)) {
					walk(item, path.item(i), found);
				}
			}
			return;
		}
		if (value instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> e : map.entrySet()) {
				Object entry = e.getValue();
				if (entry != null && !(entry instanceof String)) {
					walk(entry, path.field(String.valueOf(e.getKey())), found);
				}
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
				found.add(path.join(key));
			}
			unknown.clear();
		}
		for (Property p : info.properties()) {
			Object child = p.getter().apply(value);
			if (child != null
					&& (child instanceof List || child instanceof Map || INFO.get(child.getClass()).walkable())) {
				walk(child, path.field(p.name()), found);
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> additionalProperties(ClassInfo info, Object value) {
		return (Map<String, Object>) info.additional().apply(value);
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
			properties.add(new Property(def.getName(), getter(accessor)));
		}
		try {
			return new ClassInfo(true, getter(type.getMethod("getAdditionalProperties")), List.copyOf(properties));
		}
		catch (NoSuchMethodException ex) {
			return new ClassInfo(false, null, List.of());
		}
	}

	/** A getter as a lambda; a field, or a method no lambda can call, by reflection. */
	private static Function<Object, Object> getter(AnnotatedMember accessor) {
		if (accessor instanceof AnnotatedMethod method) {
			Function<Object, Object> lambda = lambda(method.getAnnotated());
			if (lambda != null) {
				return lambda;
			}
		}
		return accessor::getValue;
	}

	private static Function<Object, Object> getter(Method method) {
		Function<Object, Object> lambda = lambda(method);
		return (lambda != null) ? lambda : value -> invoke(method, value);
	}

	/**
	 * {@code value -> value.getX()} for a public getter of a public class (every model
	 * getter), as Jackson's Blackbird module does; {@code null} when it cannot be made.
	 */
	@SuppressWarnings("unchecked")
	private static Function<Object, Object> lambda(Method method) {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			MethodHandle handle = lookup.unreflect(method);
			return (Function<Object, Object>) LambdaMetafactory
				.metafactory(lookup, "apply", MethodType.methodType(Function.class),
						MethodType.methodType(Object.class, Object.class), handle,
						MethodType.methodType(method.getReturnType(), method.getDeclaringClass()))
				.getTarget()
				.invoke();
		}
		catch (Throwable ex) {
			return null;
		}
	}

	private static Object invoke(Method method, Object value) {
		try {
			return method.invoke(value);
		}
		catch (ReflectiveOperationException ex) {
			return null;
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
