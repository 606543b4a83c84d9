package io.stevedore.machinery.defaulting;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * A built-in object's {@code spec} and {@code status} are never absent: in Kubernetes' Go
 * types they are struct values, which its JSON encoder writes even when empty, so a Node
 * registered without a spec reads back as {@code "spec": {}} and a Deployment just
 * created as {@code "status": {}}. Clients lean on it (fabric8's
 * {@code node.getSpec().setUnschedulable(true)}, {@code jq .spec.x}); this fills an empty
 * one where the object has none. Only fabric8's built-in model classes are touched:
 * custom resources keep exactly what was sent.
 * <p>
 * Thread-safe; the getter/setter pairs are found once per class.
 */
final class EmptySpecAndStatus {

	private static final String BUILT_IN = "io.fabric8.kubernetes.api.model";

	private static final ClassValue<List<Part>> PARTS = new ClassValue<>() {
		@Override
		protected List<Part> computeValue(Class<?> type) {
			return find(type);
		}
	};

	private EmptySpecAndStatus() {
	}

	static void fill(HasMetadata obj) {
		for (Part part : PARTS.get(obj.getClass())) {
			part.fill(obj);
		}
	}

	private static List<Part> find(Class<?> type) {
		List<Part> parts = new ArrayList<>();
		if (!type.getName().startsWith(BUILT_IN)) {
			return parts;
		}
		for (String name : List.of("Spec", "Status")) {
			try {
				Method getter = type.getMethod("get" + name);
				Class<?> value = getter.getReturnType();
				if (!value.getName().startsWith(BUILT_IN) || Modifier.isAbstract(value.getModifiers())
						|| value.isInterface()) {
					continue;
				}
				MethodHandles.Lookup lookup = MethodHandles.publicLookup();
				parts.add(new Part(lookup.unreflect(getter),
						lookup.findVirtual(type, "set" + name, MethodType.methodType(void.class, value)),
						lookup.findConstructor(value, MethodType.methodType(void.class))));
			}
			catch (NoSuchMethodException | IllegalAccessException ex) {
				// This kind has no such part (ConfigMap, Event, …), or none to build.
			}
		}
		return List.copyOf(parts);
	}

	private record Part(MethodHandle getter, MethodHandle setter, MethodHandle constructor) {

		void fill(Object obj) {
			try {
				if (this.getter.invoke(obj) == null) {
					this.setter.invoke(obj, this.constructor.invoke());
				}
			}
			catch (Throwable ex) {
				throw new IllegalStateException("could not fill an empty part of " + obj.getClass().getSimpleName(),
						ex);
			}
		}

	}

}
