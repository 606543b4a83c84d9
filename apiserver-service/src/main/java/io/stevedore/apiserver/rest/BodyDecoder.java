package io.stevedore.apiserver.rest;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.machinery.validation.UnknownFields;

/**
 * Turns a request body into a typed object of the addressed resource, checking what the
 * URL implies (apiVersion, kind, namespace) and handling unknown fields by the request's
 * fieldValidation: Strict rejects, Warn reports, Ignore drops.
 */
public final class BodyDecoder {

	private final ObjectCodec codec;

	public BodyDecoder(ObjectCodec codec) {
		this.codec = codec;
	}

	public JsonNode tree(Scope scope) {
		return this.codec.readTree(scope.body(), MediaTypes.bodyFormat(scope.contentType()));
	}

	/**
	 * Decodes a tree, which may be a body or a patched object, into the resource's type.
	 */
	public HasMetadata decode(Scope scope, JsonNode tree, WriteOptions options, List<String> warnings) {
		if (!tree.isObject()) {
			throw ApiException.badRequest("the body of the request must be a JSON or YAML object");
		}
		checkTypeMeta(scope.type(), (ObjectNode) tree);
		HasMetadata object = this.codec.toTyped(tree, scope.type().javaType());
		if (object.getMetadata() == null) {
			object.setMetadata(new ObjectMeta());
		}
		List<String> unknown = UnknownFields.collectAndStrip(object);
		if (!unknown.isEmpty()) {
			List<String> messages = new ArrayList<>();
			for (String field : unknown) {
				messages.add("unknown field \"" + field + "\"");
			}
			if (options.fieldValidation().equals("Strict")) {
				throw ApiException.badRequest(
						scope.type().kind() + " in version \"" + scope.type().version() + "\" cannot be handled as a "
								+ scope.type().kind() + ": strict decoding error: " + String.join(", ", messages));
			}
			if (options.fieldValidation().equals("Warn")) {
				warnings.addAll(messages);
			}
		}
		checkNamespace(scope, object.getMetadata());
		return object;
	}

	private static void checkTypeMeta(ResourceType type, ObjectNode tree) {
		String apiVersion = tree.path("apiVersion").asText("");
		String kind = tree.path("kind").asText("");
		if (apiVersion.isEmpty() && kind.isEmpty()) {
			// Kubernetes fills both from the URL when the body carries neither.
			tree.put("apiVersion", type.apiVersion());
			tree.put("kind", type.kind());
			return;
		}
		if (kind.isEmpty()) {
			throw ApiException.badRequest("Object 'Kind' is missing in '" + abbreviate(tree.toString()) + "'");
		}
		if (!apiVersion.equals(type.apiVersion())) {
			throw ApiException.badRequest("the API version in the data (" + apiVersion
					+ ") does not match the expected API version (" + type.apiVersion() + ")");
		}
		if (!kind.equals(type.kind())) {
			throw ApiException.badRequest(
					"the kind in the data (" + kind + ") does not match the expected kind (" + type.kind() + ")");
		}
	}

	private static void checkNamespace(Scope scope, ObjectMeta meta) {
		if (!scope.type().namespaced()) {
			if (meta.getNamespace() != null && !meta.getNamespace().isEmpty()) {
				// Kubernetes clears the namespace of cluster-scoped objects.
				meta.setNamespace(null);
			}
			return;
		}
		String urlNamespace = scope.namespace();
		if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
			meta.setNamespace(urlNamespace);
		}
		else if (!meta.getNamespace().equals(urlNamespace)) {
			throw ApiException.badRequest(
					"the namespace of the provided object does not match the namespace sent " + "on the request");
		}
	}

	private static String abbreviate(String text) {
		return text.length() > 200 ? text.substring(0, 200) + "..." : text;
	}

}
