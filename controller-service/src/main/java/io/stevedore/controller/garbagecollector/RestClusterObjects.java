package io.stevedore.controller.garbagecollector;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.stevedore.client.rest.ApiCallException;
import io.stevedore.client.rest.ApiResponse;
import io.stevedore.client.rest.RestClient;
import io.stevedore.controller.api.ApiDiscovery;
import io.stevedore.controller.api.ApiResource;

/**
 * {@link ClusterObjects} over the REST API. Metadata edits are a read then a merge patch
 * carrying the read resourceVersion, retried on 409 Conflict: a concurrent writer (the
 * owner's controller, a user) is never overwritten.
 */
public final class RestClusterObjects implements ClusterObjects {

	private static final int CONFLICT_RETRIES = 5;

	private static final ObjectMapper MAPPER = new ObjectMapper()
		.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

	private final RestClient rest;

	private final List<ApiResource> resources;

	public RestClusterObjects(RestClient rest, List<ApiResource> resources) {
		this.rest = rest;
		this.resources = List.copyOf(resources);
	}

	@Override
	public Optional<ObjectMeta> get(ObjectIdentity identity) {
		ApiResponse response = this.rest.get(path(identity));
		if (response.notFound()) {
			return Optional.empty();
		}
		return Optional.of(metadata(response.orThrow().json()));
	}

	@Override
	public void delete(ObjectIdentity identity, String propagationPolicy) {
		ObjectNode options = MAPPER.createObjectNode()
			.put("kind", "DeleteOptions")
			.put("apiVersion", "v1")
			.put("propagationPolicy", propagationPolicy);
		options.putObject("preconditions").put("uid", identity.uid());
		ApiResponse response = this.rest.delete(path(identity), options.toString());
		// 409 here means the UID precondition failed: the name now belongs to another
		// object, and ours is gone.
		if (response.notFound() || response.conflict()) {
			return;
		}
		response.orThrow();
	}

	@Override
	public void removeOwnerReferences(ObjectIdentity dependent, Set<String> ownerUids) {
		editMetadata(dependent, "ownerReferences", (meta) -> {
			List<OwnerReference> kept = meta.getOwnerReferences()
				.stream()
				.filter(r -> !ownerUids.contains(r.getUid()))
				.toList();
			return kept.size() == meta.getOwnerReferences().size() ? null : MAPPER.valueToTree(kept);
		});
	}

	@Override
	public void unblockOwnerReferences(ObjectIdentity dependent, Set<String> ownerUids) {
		editMetadata(dependent, "ownerReferences", (meta) -> {
			boolean changed = false;
			List<OwnerReference> references = new ArrayList<>();
			for (OwnerReference reference : meta.getOwnerReferences()) {
				if (ownerUids.contains(reference.getUid()) && Boolean.TRUE.equals(reference.getBlockOwnerDeletion())) {
					reference = new OwnerReferenceBuilder(reference).withBlockOwnerDeletion(false).build();
					changed = true;
				}
				references.add(reference);
			}
			return changed ? MAPPER.valueToTree(references) : null;
		});
	}

	@Override
	public void removeFinalizer(ObjectIdentity identity, String finalizer) {
		editMetadata(identity, "finalizers", (meta) -> {
			if (!meta.getFinalizers().contains(finalizer)) {
				return null;
			}
			List<String> kept = meta.getFinalizers().stream().filter(f -> !f.equals(finalizer)).toList();
			return MAPPER.valueToTree(kept);
		});
	}

	/**
	 * Reads the object, computes one metadata field (null: nothing to change) and merge
	 * patches it at the read resourceVersion; retries on conflict.
	 */
	private void editMetadata(ObjectIdentity identity, String field, Function<ObjectMeta, JsonNode> edit) {
		String path = path(identity);
		for (int attempt = 1;; attempt++) {
			ApiResponse read = this.rest.get(path);
			if (read.notFound()) {
				return;
			}
			ObjectMeta meta = metadata(read.orThrow().json());
			if (!identity.uid().equals(meta.getUid())) {
				return;
			}
			JsonNode value = edit.apply(meta);
			if (value == null) {
				return;
			}
			ObjectNode patch = MAPPER.createObjectNode();
			patch.putObject("metadata").put("resourceVersion", meta.getResourceVersion()).set(field, value);
			ApiResponse written = this.rest.patch(path, RestClient.MERGE_PATCH, patch.toString());
			if (written.notFound()) {
				return;
			}
			if (!written.conflict() || attempt >= CONFLICT_RETRIES) {
				written.orThrow();
				return;
			}
		}
	}

	private String path(ObjectIdentity identity) {
		ApiResource resource = ApiDiscovery.byApiVersionKind(this.resources, identity.apiVersion(), identity.kind())
			.orElseThrow(() -> new ApiCallException("no resource serves apiVersion=" + identity.apiVersion() + " kind="
					+ identity.kind() + " (referenced by " + identity + ")", 0, null));
		return resource.objectPath(resource.namespaced() ? identity.namespace() : null, identity.name());
	}

	private static ObjectMeta metadata(JsonNode object) {
		return MAPPER.convertValue(object.path("metadata"), ObjectMeta.class);
	}

}
