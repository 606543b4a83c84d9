package io.stevedore.apiserver.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.stevedore.apiserver.admission.AdmissionAttributes;
import io.stevedore.apiserver.codec.ResourceVersions;
import io.stevedore.apiserver.rest.strategy.ResourceStrategy;
import io.stevedore.apiserver.rest.strategy.SpecStatus;
import io.stevedore.machinery.defaulting.Defaulting;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.machinery.validation.Validation;
import io.stevedore.storage.KeyValue;

/**
 * The read-mutate-compare-and-swap loop behind every update, patch, apply and scale
 * (Kubernetes' GuaranteedUpdate). A lost race re-reads and re-applies the mutation; a
 * client's own stale resourceVersion fails with 409 Conflict.
 */
public final class GuaranteedUpdate {

	private final RestContext context;

	private final ManagedFields managedFields;

	private final CreateOperation creates;

	public GuaranteedUpdate(RestContext context, ManagedFields managedFields, CreateOperation creates) {
		this.context = context;
		this.managedFields = managedFields;
		this.creates = creates;
	}

	/**
	 * @param allowCreate whether a missing object is created from the mutation's result
	 * (PUT of kinds that allow it, server-side apply)
	 */
	public ObjectResult run(Scope scope, WriteOptions options, Mutation mutation, boolean allowCreate) {
		ResourceType type = scope.type();
		return CompareAndSwapLoop.run(this.context, scope.key(), options.dryRun(), (kv, fromStore) -> {
			List<String> warnings = new ArrayList<>();
			if (kv == null) {
				if (!allowCreate || !scope.info().subresource().isEmpty()) {
					throw ApiException.notFound(type.group(), type.plural(), scope.name());
				}
				Mutation.Mutated created = mutation.apply(null, warnings);
				checkName(scope, created.object());
				created.object().getMetadata().setResourceVersion(null);
				return this.creates.create(scope, created.object(), options, warnings, created.managedFieldsSet());
			}
			HasMetadata current = this.context.codec().decodeStored(kv.value(), kv.modRevision(), type.javaType());
			Loaded loaded = new Loaded(current, kv.modRevision(), kv.value());
			Mutation.Mutated mutated = mutation.apply(loaded, warnings);
			return write(scope, options, loaded, mutated, warnings, fromStore);
		}, () -> ApiException.conflict(type.group(), type.plural(), scope.name(),
				"too many concurrent writers, please retry"));
	}

	private ObjectResult write(Scope scope, WriteOptions options, Loaded loaded, Mutation.Mutated mutated,
			List<String> warnings, boolean fromStore) {
		ResourceType type = scope.type();
		HasMetadata current = loaded.object();
		HasMetadata updated = mutated.object();
		checkName(scope, updated);
		String requested = updated.getMetadata().getResourceVersion();
		if (requested != null && !requested.isEmpty() && !requested.equals(Long.toString(loaded.modRevision()))) {
			throw ApiException.staleResourceVersion(type.group(), type.plural(), scope.name());
		}
		// A CSR's approval subresource is a status write limited to its conditions.
		boolean statusUpdate = scope.info().subresource().equals("status")
				|| scope.info().subresource().equals("approval");
		boolean ephemeralUpdate = scope.info().subresource().equals("ephemeralcontainers");
		if (statusUpdate) {
			SpecStatus.setSpec(updated, SpecStatus.spec(current));
			resetMetadataForStatus(updated.getMetadata(), current.getMetadata());
		}
		else if (type.hasSubresource("status")) {
			SpecStatus.setStatus(updated, SpecStatus.status(current));
		}
		if (ephemeralUpdate) {
			// Of the written pod only spec.ephemeralContainers counts
			// (dropNonEphemeralContainerUpdates).
			((Pod) updated).setSpec(new PodSpecBuilder(((Pod) current).getSpec())
				.withEphemeralContainers(
						((Pod) updated).getSpec() == null ? null : ((Pod) updated).getSpec().getEphemeralContainers())
				.build());
			resetMetadataForStatus(updated.getMetadata(), current.getMetadata());
		}
		Defaulting.apply(type, updated);
		boolean specChanged = !Objects.equals(SpecStatus.spec(updated), SpecStatus.spec(current));
		ObjectMetaRules.beforeUpdate(updated, current, specChanged);
		ResourceStrategy strategy = this.context.strategies().of(type);
		if (scope.info().subresource().isEmpty()) {
			strategy.prepareForUpdate(updated, current);
		}
		else if (statusUpdate) {
			strategy.prepareForSubresourceUpdate(scope.info().subresource(), updated, current);
		}
		boolean admitted = admitsObject(scope);
		if (admitted) {
			updated = AdmissionStep.admit(this.context, scope, AdmissionAttributes.UPDATE, updated, current,
					options.dryRun(), warnings);
		}
		List<FieldError> errors = statusUpdate ? Validation.validateStatusUpdate(type, updated, current)
				: ephemeralUpdate ? Validation.validateSubresourceUpdate(type, "ephemeralcontainers", updated, current)
						: Validation.validateUpdate(type, updated, current);
		if (!errors.isEmpty()) {
			throw ApiException.invalid(type.group(), type.kind(), scope.name(), errors);
		}
		if (admitted) {
			AdmissionStep.validate(this.context, scope, AdmissionAttributes.UPDATE, updated, current, options.dryRun(),
					warnings);
		}
		// Kubernetes' ShouldDeleteDuringUpdate: only once no grace period is left.
		// A pod in its grace period stays while its kubelet stops its containers.
		Long graceLeft = current.getMetadata().getDeletionGracePeriodSeconds();
		if (updated.getMetadata().getDeletionTimestamp() != null && updated.getMetadata().getFinalizers().isEmpty()
				&& !strategy.deletionBlocked(updated) && (graceLeft == null || graceLeft == 0)) {
			return finishDeletion(scope, options, loaded, updated, strategy);
		}
		Instant now = this.context.clock().instant();
		if (!mutated.managedFieldsSet()) {
			updated.getMetadata().setManagedFields(current.getMetadata().getManagedFields());
			if (!mutated.surelyChanged()
					&& Arrays.equals(this.context.codec().encodeForStorage(updated), loaded.stored())) {
				if (!fromStore) {
					throw new CompareAndSwapLoop.StaleCopy();
				}
				// A no-op write keeps its resourceVersion, as in Kubernetes.
				return new ObjectResult(200, type,
						ResourceVersions.withResourceVersion(loaded.stored(), loaded.modRevision()), warnings);
			}
			JsonNode tree = this.managedFields.forUpdate(type, current, updated, options.fieldManager(),
					scope.info().subresource(), now);
			this.managedFields.copyInto(tree, updated);
		}
		Runnable undo = strategy.allocate(updated, current, options.dryRun());
		byte[] stored = this.context.codec().encodeForStorage(updated);
		if (options.dryRun()) {
			return new ObjectResult(200, type, ResourceVersions.withResourceVersion(stored, loaded.modRevision()),
					warnings);
		}
		if (Arrays.equals(stored, loaded.stored())) {
			if (!fromStore) {
				throw new CompareAndSwapLoop.StaleCopy();
			}
			return new ObjectResult(200, type, ResourceVersions.withResourceVersion(stored, loaded.modRevision()),
					warnings);
		}
		try {
			long revision = this.context.store().update(scope.key(), stored, loaded.modRevision());
			strategy.releaseAfterUpdate(updated, current);
			return new ObjectResult(200, type, ResourceVersions.withResourceVersion(stored, revision), warnings);
		}
		catch (RuntimeException ex) {
			undo.run();
			throw ex;
		}
	}

	/**
	 * An update that removed the last finalizer of an object being deleted deletes it.
	 */
	private ObjectResult finishDeletion(Scope scope, WriteOptions options, Loaded loaded, HasMetadata updated,
			ResourceStrategy strategy) {
		if (options.dryRun()) {
			return ObjectResult.ok(scope.type(), this.context.codec().writeJson(updated));
		}
		KeyValue deleted = this.context.store().delete(scope.key(), loaded.modRevision());
		strategy.release(updated);
		byte[] stored = this.context.codec().encodeForStorage(updated);
		return ObjectResult.ok(scope.type(), ResourceVersions.withResourceVersion(stored, deleted.modRevision()));
	}

	/**
	 * Whether the written object is what admission sees. Binding, eviction and scale are
	 * admitted with their own objects (a Binding, an Eviction, a Scale) by their
	 * handlers, not as the object they change.
	 */
	private static boolean admitsObject(Scope scope) {
		return switch (scope.info().subresource()) {
			case "binding", "eviction", "scale" -> false;
			default -> true;
		};
	}

	private static void checkName(Scope scope, HasMetadata object) {
		String name = object.getMetadata().getName();
		if (name == null || name.isEmpty()) {
			object.getMetadata().setName(scope.name());
		}
		else if (!name.equals(scope.name())) {
			throw ApiException.badRequest(
					"the name of the object (" + name + ") does not match the name on the URL (" + scope.name() + ")");
		}
	}

	/** What a /status write may not change (metav1.ResetObjectMetaForStatus). */
	private static void resetMetadataForStatus(ObjectMeta meta, ObjectMeta old) {
		meta.setLabels(old.getLabels());
		meta.setAnnotations(old.getAnnotations());
		meta.setFinalizers(old.getFinalizers());
		meta.setOwnerReferences(old.getOwnerReferences());
		meta.setDeletionTimestamp(old.getDeletionTimestamp());
		meta.setGeneration(old.getGeneration());
	}

}
