package io.stevedore.client.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The work-queue key of an object: {@code namespace/name}, or {@code name} for
 * cluster-scoped objects (client-go's {@code MetaNamespaceKeyFunc}).
 */
public final class Keys {

	private Keys() {
	}

	public static String of(HasMetadata object) {
		return of(object.getMetadata().getNamespace(), object.getMetadata().getName());
	}

	public static String of(String namespace, String name) {
		return (namespace == null || namespace.isEmpty()) ? name : namespace + "/" + name;
	}

	/** The namespace of a key, empty for a cluster-scoped one. */
	public static String namespace(String key) {
		int slash = key.indexOf('/');
		return slash < 0 ? "" : key.substring(0, slash);
	}

	public static String name(String key) {
		return key.substring(key.indexOf('/') + 1);
	}

	/**
	 * Checks a key's shape; a bad key is a programming error, never retried.
	 */
	public static void check(String key) {
		if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/")
				|| key.indexOf('/') != key.lastIndexOf('/')) {
			throw new IllegalArgumentException("unexpected key format: \"" + key + "\"");
		}
	}

}
