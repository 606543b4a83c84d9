package io.stevedore.apiserver.cache;

import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.machinery.selectors.FieldSelectors;
import io.stevedore.storage.KeyValue;

/**
 * Reads a stored value once into a {@link CachedObject}: which resource its key belongs
 * to, its namespace and name, labels and selectable fields.
 */
public final class ObjectAttributes {

	private final Map<String, ResourceType> typesByPrefix = new HashMap<>();

	private final ObjectCodec codec;

	private final RecentWrites recentWrites = new RecentWrites();

	public ObjectAttributes(ResourceRegistry registry, ObjectCodec codec) {
		for (ResourceType type : registry.all()) {
			// A resource served in several versions shares one prefix: the first
			// registered is the storage version.
			this.typesByPrefix.putIfAbsent(type.keyPrefix(), type);
		}
		this.codec = codec;
	}

	/**
	 * The resource a store key belongs to, or {@code null} for keys outside the registry.
	 */
	public ResourceType typeOf(String key) {
		int third = key.indexOf('/', key.indexOf('/', "/registry/".length()) + 1);
		return third < 0 ? null : this.typesByPrefix.get(key.substring(0, third + 1));
	}

	/**
	 * Announces a write this apiserver is about to make: the tree its value is encoded
	 * from, which must not change afterwards.
	 */
	public void expectWrite(String key, byte[] stored, JsonNode tree) {
		this.recentWrites.expect(key, stored, tree);
	}

	/** Reads a key-value; {@code revision} overrides its modRevision (for deletes). */
	public CachedObject read(KeyValue kv, long revision) {
		ResourceType type = typeOf(kv.key());
		if (type == null) {
			return null;
		}
		String rest = kv.key().substring(type.keyPrefix().length());
		int slash = rest.indexOf('/');
		String namespace = (type.namespaced() && slash > 0) ? rest.substring(0, slash) : "";
		String name = (type.namespaced() && slash > 0) ? rest.substring(slash + 1) : rest;
		JsonNode tree = this.recentWrites.take(kv.key(), kv.value());
		if (tree == null) {
			tree = this.codec.readStoredTree(kv.value());
		}
		return new CachedObject(kv.key(), type, namespace, name, kv.value(), kv.createRevision(), revision,
				labels(tree.path("metadata").path("labels")), FieldSelectors.fields(type, tree));
	}

	private static Map<String, String> labels(JsonNode labels) {
		if (!labels.isObject() || labels.isEmpty()) {
			return Map.of();
		}
		Map<String, String> result = new HashMap<>(labels.size() * 2);
		for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext();) {
			Map.Entry<String, JsonNode> entry = it.next();
			result.put(entry.getKey(), entry.getValue().asText());
		}
		return Collections.unmodifiableMap(result);
	}

}
