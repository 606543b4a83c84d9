package io.stevedore.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.storage.KeyValue;

/**
 * {@code /scale} of Deployments, ReplicaSets and StatefulSets: an autoscaling/v1 Scale
 * view of spec.replicas, status.replicas and the selector. Writes change only
 * spec.replicas of the parent.
 */
public final class ScaleSubresource {

	private final RestContext context;

	private final UpdateOperations updates;

	public ScaleSubresource(RestContext context, UpdateOperations updates) {
		this.context = context;
		this.updates = updates;
	}

	public ObjectResult get(Scope scope) {
		KeyValue kv = this.context.store().get(scope.key());
		if (kv == null) {
			throw ApiException.notFound(scope.type().group(), scope.type().plural(), scope.name());
		}
		JsonNode parent = this.context.codec()
			.toTree(this.context.codec().decodeStored(kv.value(), kv.modRevision(), scope.type().javaType()));
		return ObjectResult.ok(null, this.context.codec().writeJson(scaleOf(parent)));
	}

	public ObjectResult update(Scope scope) {
		JsonNode body = this.context.codec().readTree(scope.body(), MediaTypes.bodyFormat(scope.contentType()));
		return write(scope, (current) -> body);
	}

	public ObjectResult patch(Scope scope) {
		String patchType = MediaTypes.base(scope.contentType());
		JsonNode patch = this.context.codec().readTree(scope.body(), MediaTypes.Format.JSON);
		return write(scope, (currentScale) -> {
			Scope scaleScope = scope;
			return this.updates.applyPatch(scaleScope,
					patchType.equals(MediaTypes.STRATEGIC_MERGE_PATCH) ? MediaTypes.MERGE_PATCH : patchType,
					currentScale, patch);
		});
	}

	private ObjectResult write(Scope scope, java.util.function.UnaryOperator<JsonNode> newScale) {
		WriteOptions options = WriteOptions.from(scope.query(), scope.userAgent());
		ObjectResult result = this.updates.guaranteedUpdate().run(scope, options, (current, warnings) -> {
			ObjectNode parent = (ObjectNode) this.context.codec().toTree(current.object());
			JsonNode scale = newScale.apply(scaleOf(parent));
			JsonNode replicas = scale.path("spec").path("replicas");
			if (!replicas.isIntegralNumber() || replicas.asLong() < 0 || replicas.asLong() > Integer.MAX_VALUE) {
				throw ApiException.invalid("autoscaling", "Scale", scope.name(),
						java.util.List.of(FieldError.invalid("spec.replicas",
								replicas.isMissingNode() ? null : replicas.toString(),
								"must be greater than or equal to 0")));
			}
			parent.with("spec").put("replicas", replicas.asInt());
			String requested = scale.path("metadata").path("resourceVersion").asText("");
			if (!requested.isEmpty()) {
				parent.with("metadata").put("resourceVersion", requested);
			}
			HasMetadata updated = this.context.codec().toTyped(parent, scope.type().javaType());
			return new Mutation.Mutated(updated, false);
		}, false);
		JsonNode parent = this.context.codec().readStoredTree(result.json());
		return new ObjectResult(200, null, this.context.codec().writeJson(scaleOf(parent)), result.warnings());
	}

	private ObjectNode scaleOf(JsonNode parent) {
		JsonNodeFactory f = JsonNodeFactory.instance;
		ObjectNode scale = f.objectNode();
		scale.put("kind", "Scale");
		scale.put("apiVersion", "autoscaling/v1");
		ObjectNode meta = scale.putObject("metadata");
		JsonNode parentMeta = parent.path("metadata");
		for (String field : new String[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" }) {
			if (parentMeta.has(field)) {
				meta.set(field, parentMeta.get(field));
			}
		}
		scale.putObject("spec").put("replicas", parent.path("spec").path("replicas").asInt(1));
		ObjectNode status = scale.putObject("status");
		status.put("replicas", parent.path("status").path("replicas").asInt(0));
		JsonNode selector = parent.path("spec").path("selector");
		if (selector.isObject()) {
			LabelSelector typed = this.context.codec().json().convertValue(selector, LabelSelector.class);
			status.put("selector", io.stevedore.machinery.selectors.LabelSelector.from(typed).toString());
		}
		return scale;
	}

}
