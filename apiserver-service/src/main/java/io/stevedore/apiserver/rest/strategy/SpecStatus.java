package io.stevedore.apiserver.rest.strategy;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads and replaces the {@code spec} and {@code status} of any fabric8 model object. The
 * models share no interface for them, and the apiserver's generic rules (status ignored
 * on the main resource, spec ignored on /status, generation bumped on spec changes) apply
 * to every kind alike.
 */
public final class SpecStatus {

	private static final Map<Class<?>, Accessors> CACHE = new ConcurrentHashMap<>();

	private SpecStatus() {
	}

	public static boolean hasSpec(Object object) {
		return accessors(object.getClass()).spec().isPresent();
	}

	public static Object spec(Object object) {
		return get(accessors(object.getClass()).spec(), object);
	}

	public static void setSpec(Object object, Object spec) {
		set(accessors(object.getClass()).spec(), object, spec);
	}

	public static Object status(Object object) {
		return get(accessors(object.getClass()).status(), object);
	}

	public static void setStatus(Object object, Object status) {
		set(accessors(object.getClass()).status(), object, status);
	}

	private static Object get(Optional<Property> property, Object object) {
		if (property.isEmpty()) {
			return null;
		}
		try {
			return property.get().getter().invoke(object);
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void set(Optional<Property> property, Object object, Object value) {
		if (property.isEmpty()) {
			return;
		}
		try {
			property.get().setter().invoke(object, value);
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Accessors accessors(Class<?> type) {
		return CACHE.computeIfAbsent(type, t -> new Accessors(property(t, "Spec"), property(t, "Status")));
	}

	private static Optional<Property> property(Class<?> type, String name) {
		try {
			Class<?> valueType = type.getMethod("get" + name).getReturnType();
			MethodHandles.Lookup lookup = MethodHandles.publicLookup();
			MethodHandle getter = lookup.findVirtual(type, "get" + name, MethodType.methodType(valueType))
				.asType(MethodType.methodType(Object.class, Object.class));
			MethodHandle setter = lookup.findVirtual(type, "set" + name, MethodType.methodType(void.class, valueType))
				.asType(MethodType.methodType(void.class, Object.class, Object.class));
			return Optional.of(new Property(getter, setter));
		}
		catch (ReflectiveOperationException ex) {
			return Optional.empty();
		}
	}

	private record Property(MethodHandle getter, MethodHandle setter) {
	}

	private record Accessors(Optional<Property> spec, Optional<Property> status) {
	}

}
