package io.stevedore.apiserver.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.machinery.apply.ApplyResult;
import io.stevedore.machinery.apply.FieldManager;
import io.stevedore.machinery.conversion.VersionConverter;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.patch.PatchException;
import io.stevedore.machinery.patch.Patches;

/**
 * PUT and PATCH of an object or its status: every variant is a {@link Mutation} run by
 * {@link GuaranteedUpdate}.
 */
public final class UpdateOperations {

	private final RestContext context;

	private final BodyDecoder decoder;

	private final GuaranteedUpdate updates;

	public UpdateOperations(RestContext context, BodyDecoder decoder, GuaranteedUpdate updates) {
		this.context = context;
		this.decoder = decoder;
		this.updates = updates;
	}

	public ObjectResult update(Scope scope) {
		WriteOptions options = WriteOptions.from(scope.query(), scope.userAgent());
		JsonNode body = this.decoder.tree(scope);
		boolean allowCreate = this.context.strategies().of(scope.type()).allowCreateOnUpdate();
		return this.updates.run(scope, options, (current, warnings) -> new Mutation.Mutated(
				this.decoder.decode(scope, body.deepCopy(), options, warnings), false), allowCreate);
	}

	public ObjectResult patch(Scope scope) {
		WriteOptions options = WriteOptions.from(scope.query(), scope.userAgent());
		String patchType = MediaTypes.base(scope.contentType());
		if (patchType.equals(MediaTypes.APPLY_PATCH)) {
			return apply(scope, options);
		}
		JsonNode patch = this.context.codec().readTree(scope.body(), MediaTypes.Format.JSON);
		// A patch speaks the version the client addressed: apply it to that form.
		Optional<VersionConverter> served = ServedVersion.converter(scope.info());
		Class<?> patchedType = served.<Class<?>>map(c -> c.served().javaType()).orElse(scope.type().javaType());
		return this.updates.run(scope, options, (current, warnings) -> {
			JsonNode live = toServed(served, this.context.codec().toTree(current.object()));
			JsonNode patched = toStorage(served, applyPatch(scope, patchType, live, patch, patchedType));
			return new Mutation.Mutated(this.decoder.decode(scope, patched, options, warnings), false);
		}, false);
	}

	/**
	 * PUT of {@code namespaces/{name}/finalize}: only spec.finalizers change. The
	 * namespace controller removes "kubernetes" here once the namespace is empty.
	 */
	public ObjectResult finalizeNamespace(Scope scope) {
		WriteOptions options = WriteOptions.from(scope.query(), scope.userAgent());
		JsonNode body = this.decoder.tree(scope);
		return this.updates.run(scope, options, (current, warnings) -> {
			Namespace requested = (Namespace) this.decoder.decode(scope, body.deepCopy(), options, warnings);
			Namespace updated = this.context.codec()
				.decodeStored(current.stored(), current.modRevision(), Namespace.class);
			List<String> finalizers = requested.getSpec() == null ? List.of() : requested.getSpec().getFinalizers();
			updated.getSpec().setFinalizers(new ArrayList<>(finalizers));
			if (requested.getMetadata().getResourceVersion() != null) {
				updated.getMetadata().setResourceVersion(requested.getMetadata().getResourceVersion());
			}
			return new Mutation.Mutated(updated, false);
		}, false);
	}

	/**
	 * Patches a tree by the patch's media type, as the PATCH verb does; used by /scale
	 * too.
	 */
	JsonNode applyPatch(Scope scope, String patchType, JsonNode live, JsonNode patch) {
		return applyPatch(scope, patchType, live, patch, scope.type().javaType());
	}

	private JsonNode applyPatch(Scope scope, String patchType, JsonNode live, JsonNode patch, Class<?> javaType) {
		try {
			return switch (patchType) {
				case MediaTypes.JSON_PATCH -> Patches.jsonPatch(live, patch);
				case MediaTypes.MERGE_PATCH -> Patches.jsonMergePatch(live, patch);
				case MediaTypes.STRATEGIC_MERGE_PATCH -> Patches.strategicMergePatch(live, patch, javaType);
				default -> throw ApiException.unsupportedMediaType(scope.contentType());
			};
		}
		catch (PatchException ex) {
			throw ex.code() == PatchException.BAD_REQUEST ? ApiException.badRequest(ex.getMessage())
					: ApiException.of(422, "Invalid", ex.getMessage());
		}
	}

	private ObjectResult apply(Scope scope, WriteOptions options) {
		if (scope.query().get("fieldManager") == null || scope.query().get("fieldManager").isEmpty()) {
			throw ApiException
				.badRequest("PATCH /" + scope.info().path() + ": fieldManager is required for apply " + "requests");
		}
		JsonNode applied = this.context.codec().readTree(scope.body(), MediaTypes.Format.YAML);
		if (!applied.isObject()) {
			throw ApiException.badRequest("the body of an apply request must be an object");
		}
		Optional<VersionConverter> served = ServedVersion.converter(scope.info());
		Class<?> appliedType = served.<Class<?>>map(c -> c.served().javaType()).orElse(scope.type().javaType());
		return this.updates.run(scope, options, (current, warnings) -> {
			JsonNode live = current == null ? null : toServed(served, this.context.codec().toTree(current.object()));
			ObjectNode config = (ObjectNode) applied.deepCopy();
			ApplyResult result = FieldManager.apply(live, config, options.fieldManager(), scope.info().subresource(),
					options.force(), appliedType, this.context.clock().instant());
			HasMetadata object = this.decoder.decode(scope, toStorage(served, result.merged()), options, warnings);
			if (current != null) {
				// Apply never carries a precondition unless the configuration names one.
				String requested = config.path("metadata").path("resourceVersion").asText("");
				object.getMetadata()
					.setResourceVersion(
							requested.isEmpty() ? current.object().getMetadata().getResourceVersion() : requested);
			}
			return new Mutation.Mutated(object, true);
		}, true);
	}

	private static JsonNode toServed(Optional<VersionConverter> served, JsonNode stored) {
		return served.isPresent() && stored instanceof ObjectNode object ? served.get().toServed(object) : stored;
	}

	private static JsonNode toStorage(Optional<VersionConverter> served, JsonNode tree) {
		return served.isPresent() && tree instanceof ObjectNode object ? served.get().toStorage(object) : tree;
	}

	/** For callers composing their own mutations (scale). */
	GuaranteedUpdate guaranteedUpdate() {
		return this.updates;
	}

}
