package io.stevedore.apiserver.rest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.apiserver.http.RequestInfo;
import io.stevedore.machinery.conversion.Conversions;
import io.stevedore.machinery.conversion.VersionConverter;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.machinery.selectors.FieldSelector;
import io.stevedore.machinery.selectors.FieldSelectors;

/**
 * A request to a resource served in another version than it is stored in (autoscaling/v1
 * HPAs, stored as v2). The request runs against the storage version: its body is
 * converted on the way in, its answers on the way out, so every operation, the watch
 * cache and the store see one version only.
 *
 * <pre>
 *  v1 body --toStorage--&gt; v2 scope --create/update/get/list/watch--&gt; v2 json --toServed--&gt; v1 json
 *  v1 patch: v2 live --toServed--&gt; v1 --patch--&gt; v1 --toStorage--&gt; v2 (UpdateOperations)
 * </pre>
 *
 * Tables are printed from the storage version, as Kubernetes prints from its internal
 * one, so both versions show the same columns.
 */
public final class ServedVersion {

	private final VersionConverter converter;

	private final ObjectCodec codec;

	private ServedVersion(VersionConverter converter, ObjectCodec codec) {
		this.converter = converter;
		this.codec = codec;
	}

	/** The conversion a request needs, if its resource is stored as another version. */
	public static Optional<ServedVersion> of(RequestInfo info, ObjectCodec codec) {
		return converter(info).map(c -> new ServedVersion(c, codec));
	}

	static Optional<VersionConverter> converter(RequestInfo info) {
		return Conversions.standard().find(info.group(), info.version(), info.resource());
	}

	public VersionConverter converter() {
		return this.converter;
	}

	/**
	 * The scope against the storage version. Bodies of create and update are whole
	 * objects and are converted here; a patch is applied to the served form by
	 * {@link UpdateOperations}.
	 */
	public Scope toStorage(Scope scope) {
		byte[] body = scope.body();
		String contentType = scope.contentType();
		String verb = scope.info().verb();
		if ((verb.equals("create") || verb.equals("update")) && body != null && body.length > 0) {
			JsonNode tree = this.codec.readTree(body, MediaTypes.bodyFormat(contentType));
			if (!tree.isObject()) {
				throw ApiException.badRequest("the body of the request must be a JSON or YAML object");
			}
			if (verb.equals("create")) {
				// Rules of the served version only (events.k8s.io/v1 requires what
				// core/v1
				// leaves optional); the storage version's own validation follows.
				List<FieldError> errors = this.converter.validateCreate((ObjectNode) tree);
				if (!errors.isEmpty()) {
					ResourceType served = this.converter.served();
					throw ApiException.invalid(served.group(), served.kind(),
							tree.path("metadata").path("name").asText(""), errors);
				}
			}
			body = this.codec.writeJson(this.converter.toStorage((ObjectNode) tree));
			contentType = MediaTypes.JSON;
		}
		return new Scope(scope.info(), this.converter.storage(), storageQuery(scope.query()), body, contentType,
				scope.userAgent(), scope.user());
	}

	/**
	 * The query with its field selector in the storage version's field names (e.g.
	 * events.k8s.io's {@code regarding.name} as core's {@code involvedObject.name}), as
	 * Kubernetes converts field labels of the request's version before it reaches the one
	 * storage.
	 */
	private Map<String, String> storageQuery(Map<String, String> query) {
		String selector = query.get("fieldSelector");
		if (selector == null || selector.isEmpty()) {
			return query;
		}
		Map<String, String> converted = new LinkedHashMap<>(query);
		try {
			converted.put("fieldSelector",
					FieldSelectors.convert(this.converter.served(), FieldSelector.parse(selector)).toString());
		}
		catch (IllegalArgumentException ex) {
			throw ApiException.badRequest(ex.getMessage());
		}
		return converted;
	}

	/** An object answer in the served version; Status answers (of deletes) pass. */
	public ObjectResult toServed(ObjectResult result) {
		return new ObjectResult(result.code(), this.converter.served(), toServed(result.json()), result.warnings());
	}

	public ListResult toServed(ListResult list) {
		List<CachedObject> items = new ArrayList<>(list.items().size());
		for (CachedObject item : list.items()) {
			items.add(toServed(item));
		}
		return new ListResult(this.converter.served(), items, list.revision(), list.continueToken(),
				list.remainingItemCount());
	}

	public CachedObject toServed(CachedObject object) {
		byte[] stored = toServed(object.stored());
		return new CachedObject(object.key(), this.converter.served(), object.namespace(), object.name(), stored,
				object.createRevision(), object.modRevision(), object.labels(), object.fields());
	}

	/**
	 * One object's JSON in the served version; anything not of the stored kind passes.
	 */
	public byte[] toServed(byte[] json) {
		JsonNode tree;
		try {
			tree = this.codec.json().readTree(json);
		}
		catch (IOException ex) {
			throw ApiException
				.internal("decoding a stored " + this.converter.storage().kind() + ": " + ex.getMessage());
		}
		if (!(tree instanceof ObjectNode object) || !isStored(object)) {
			return json;
		}
		return this.codec.writeJson(this.converter.toServed(object));
	}

	private boolean isStored(ObjectNode object) {
		return object.path("kind").asText("").equals(this.converter.storage().kind())
				&& object.path("apiVersion").asText("").equals(this.converter.storage().apiVersion());
	}

}
