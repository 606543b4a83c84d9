package io.stevedore.apiserver.rest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.stevedore.apiserver.admission.AdmissionAttributes;
import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.apiserver.codec.ResourceVersions;
import io.stevedore.apiserver.rest.strategy.ResourceStrategy;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.storage.KeyNotFoundException;
import io.stevedore.storage.KeyValue;
import io.stevedore.storage.RevisionConflictException;

/**
 * DELETE of an object or a collection. An object goes at once unless it has finalizers, a
 * grace period (pods on a node) or a propagation policy that needs the garbage collector
 * (Orphan, Foreground): then it gets a deletionTimestamp and stays until they are done.
 */
public final class DeleteOperations {

	private final RestContext context;

	private final ReadOperations reads;

	public DeleteOperations(RestContext context, ReadOperations reads) {
		this.context = context;
		this.reads = reads;
	}

	public ObjectResult delete(Scope scope) {
		DeleteOptions options = DeleteOptions.from(scope.query(), body(scope));
		return delete(scope, scope.key(), scope.name(), options);
	}

	ObjectResult delete(Scope scope, String key, String name, DeleteOptions options) {
		ResourceType type = scope.type();
		ResourceStrategy strategy = this.context.strategies().of(type);
		ConflictRetry retry = new ConflictRetry();
		while (true) {
			KeyValue kv = this.context.store().get(key);
			if (kv == null) {
				throw ApiException.notFound(type.group(), type.plural(), name);
			}
			HasMetadata object = this.context.codec().decodeStored(kv.value(), kv.modRevision(), type.javaType());
			checkPreconditions(type, name, object.getMetadata(), options);
			if (!scope.info().subresource().equals("eviction")) {
				// An eviction was admitted as itself; its delete is not admitted again.
				AdmissionStep.validate(this.context, scope, AdmissionAttributes.DELETE, null, object, options.dryRun(),
						new ArrayList<>());
			}
			try {
				return deleteOnce(type, key, kv, object, options, strategy);
			}
			catch (RevisionConflictException | KeyNotFoundException ex) {
				if (!retry.pauseBeforeRetry()) {
					throw ApiException.conflict(type.group(), type.plural(), name,
							"too many concurrent writers, please retry");
				}
			}
		}
	}

	private ObjectResult deleteOnce(ResourceType type, String key, KeyValue kv, HasMetadata object,
			DeleteOptions options, ResourceStrategy strategy) {
		ObjectMeta meta = object.getMetadata();
		List<String> finalizers = new ArrayList<>(meta.getFinalizers());
		if ("Orphan".equals(options.propagationPolicy()) && !finalizers.contains("orphan")) {
			finalizers.add("orphan");
		}
		else if ("Foreground".equals(options.propagationPolicy()) && !finalizers.contains("foregroundDeletion")) {
			finalizers.add("foregroundDeletion");
		}
		Long grace = strategy.gracePeriodSeconds(object, options.gracePeriodSeconds());
		boolean alreadyDeleting = meta.getDeletionTimestamp() != null;
		if (finalizers.isEmpty() && !strategy.deletionBlocked(object) && (grace == null
				|| (alreadyDeleting && options.gracePeriodSeconds() != null && options.gracePeriodSeconds() == 0))) {
			if (options.dryRun()) {
				return ObjectResult.ok(type, ResourceVersions.withResourceVersion(kv.value(), kv.modRevision()));
			}
			KeyValue deleted = this.context.store().delete(key, kv.modRevision());
			strategy.release(object);
			return ObjectResult.ok(type, ResourceVersions.withResourceVersion(deleted.value(), deleted.modRevision()));
		}
		// Graceful or finalized deletion: mark the object and let its owners finish.
		Instant now = this.context.clock().instant();
		long seconds = grace == null ? 0 : grace;
		if (!alreadyDeleting) {
			meta.setDeletionTimestamp(ObjectMetaRules.timestamp(now.plusSeconds(seconds)));
			meta.setDeletionGracePeriodSeconds(seconds);
		}
		else if (grace != null && meta.getDeletionGracePeriodSeconds() != null
				&& seconds < meta.getDeletionGracePeriodSeconds()) {
			// A shorter grace period brings the deadline forward, never back.
			meta.setDeletionTimestamp(ObjectMetaRules.timestamp(now.plusSeconds(seconds)));
			meta.setDeletionGracePeriodSeconds(seconds);
		}
		meta.setFinalizers(finalizers);
		if ("Namespace".equals(type.kind()) && object instanceof io.fabric8.kubernetes.api.model.Namespace ns) {
			ns.getStatus().setPhase("Terminating");
		}
		meta.setResourceVersion(null);
		byte[] stored = this.context.codec().encodeForStorage(object);
		if (options.dryRun()) {
			return ObjectResult.ok(type, ResourceVersions.withResourceVersion(stored, kv.modRevision()));
		}
		long revision = kv.value().length == stored.length && java.util.Arrays.equals(kv.value(), stored)
				? kv.modRevision() : this.context.store().update(key, stored, kv.modRevision());
		return new ObjectResult(202, type, ResourceVersions.withResourceVersion(stored, revision), List.of());
	}

	private static void checkPreconditions(ResourceType type, String name, ObjectMeta meta, DeleteOptions options) {
		if (options.preconditionUid() != null && !options.preconditionUid().equals(meta.getUid())) {
			throw ApiException.conflict(type.group(), type.plural(), name, "Precondition failed: UID in precondition: "
					+ options.preconditionUid() + ", UID in object meta: " + meta.getUid());
		}
		if (options.preconditionResourceVersion() != null
				&& !options.preconditionResourceVersion().equals(meta.getResourceVersion())) {
			throw ApiException.conflict(type.group(), type.plural(), name,
					"Precondition failed: ResourceVersion in precondition: " + options.preconditionResourceVersion()
							+ ", ResourceVersion in meta: " + meta.getResourceVersion());
		}
	}

	/**
	 * Deletes every object a list with the same parameters would return; answers with
	 * them.
	 */
	public ObjectResult deleteCollection(Scope scope) {
		DeleteOptions options = DeleteOptions.from(scope.query(), body(scope));
		ListResult all = this.reads.list(scope, ListOptions.from(scope.query()));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		long revision = all.revision();
		List<byte[]> deleted = new ArrayList<>();
		for (CachedObject object : all.items()) {
			try {
				ObjectResult result = delete(scope, object.key(), object.name(), options);
				deleted.add(result.json());
			}
			catch (ApiException ex) {
				if (ex.code() != 404) {
					throw ex;
				}
			}
		}
		ResourceType type = scope.type();
		write(out, "{\"kind\":\"" + type.listKind() + "\",\"apiVersion\":\"" + type.apiVersion()
				+ "\",\"metadata\":{\"resourceVersion\":\"" + revision + "\"},\"items\":[");
		for (int i = 0; i < deleted.size(); i++) {
			if (i > 0) {
				out.write(',');
			}
			out.writeBytes(deleted.get(i));
		}
		write(out, "]}");
		return ObjectResult.ok(null, out.toByteArray());
	}

	private JsonNode body(Scope scope) {
		if (scope.body() == null || scope.body().length == 0) {
			return null;
		}
		return this.context.codec().readTree(scope.body(), MediaTypes.bodyFormat(scope.contentType()));
	}

	private static void write(ByteArrayOutputStream out, String text) {
		out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
	}

}
