package io.stevedore.apiserver.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.stevedore.apiserver.admission.AdmissionAttributes;
import io.stevedore.apiserver.admission.AdmissionUser;
import io.stevedore.apiserver.codec.ResourceVersions;
import io.stevedore.apiserver.rest.strategy.ResourceStrategy;
import io.stevedore.apiserver.rest.strategy.SpecStatus;
import io.stevedore.machinery.defaulting.Defaulting;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.machinery.validation.Validation;
import io.stevedore.storage.KeyExistsException;

/**
 * POST of a new object: decode, default, validate, allocate, record the manager, store
 * with one atomic create.
 */
public final class CreateOperation {

	private static final int GENERATED_NAME_TRIES = 3;

	private final RestContext context;

	private final BodyDecoder decoder;

	private final ManagedFields managedFields;

	private final NamespaceLifecycle namespaces;

	public CreateOperation(RestContext context, BodyDecoder decoder, ManagedFields managedFields,
			NamespaceLifecycle namespaces) {
		this.context = context;
		this.decoder = decoder;
		this.managedFields = managedFields;
		this.namespaces = namespaces;
	}

	public ObjectResult create(Scope scope) {
		WriteOptions options = WriteOptions.from(scope.query(), scope.userAgent());
		List<String> warnings = new ArrayList<>();
		HasMetadata object = this.decoder.decode(scope, this.decoder.tree(scope), options, warnings);
		return create(scope, object, options, warnings);
	}

	/** Creates a decoded object; also the create half of a PUT that creates. */
	public ObjectResult create(Scope scope, HasMetadata object, WriteOptions options, List<String> warnings) {
		return create(scope, object, options, warnings, false);
	}

	/**
	 * @param managedFieldsSet the object's managedFields were already computed
	 * (server-side apply), keep them
	 */
	public ObjectResult create(Scope scope, HasMetadata object, WriteOptions options, List<String> warnings,
			boolean managedFieldsSet) {
		ResourceType type = scope.type();
		ObjectMeta meta = object.getMetadata();
		boolean generated = meta.getName() == null || meta.getName().isEmpty();
		if (generated && (meta.getGenerateName() == null || meta.getGenerateName().isEmpty())) {
			throw ApiException.invalid(type.group(), type.kind(), "",
					List.of(FieldError.required("metadata.name", "name or generateName is required")));
		}
		if (type.namespaced()) {
			this.namespaces.checkCreateAllowed(meta.getNamespace());
		}
		ResourceStrategy strategy = this.context.strategies().of(type);
		Instant now = this.context.clock().instant();
		for (int attempt = 1;; attempt++) {
			if (generated) {
				object.getMetadata().setName(null);
			}
			ObjectMetaRules.beforeCreate(object, now);
			Defaulting.apply(type, object);
			if (strategy.resetsStatusOnCreate() && type.hasSubresource("status")) {
				SpecStatus.setStatus(object, null);
			}
			strategy.prepareForCreate(object, now, scope.user() == null ? AdmissionUser.LOOPBACK : scope.user());
			object = AdmissionStep.admit(this.context, scope, AdmissionAttributes.CREATE, object, null,
					options.dryRun(), warnings);
			List<FieldError> errors = Validation.validateCreate(type, object);
			if (!errors.isEmpty()) {
				throw ApiException.invalid(type.group(), type.kind(), object.getMetadata().getName(), errors);
			}
			AdmissionStep.validate(this.context, scope, AdmissionAttributes.CREATE, object, null, options.dryRun(),
					warnings);
			try {
				return store(scope, object, options, warnings, strategy, generated, managedFieldsSet, now);
			}
			catch (GeneratedNameTaken ex) {
				if (attempt >= GENERATED_NAME_TRIES) {
					throw ApiException.alreadyExists(type.group(), type.plural(), object.getMetadata().getName());
				}
			}
		}
	}

	/**
	 * Allocates, records the manager and writes. The stored bytes come from the tree the
	 * field manager returns, so the object is serialized once.
	 */
	private ObjectResult store(Scope scope, HasMetadata object, WriteOptions options, List<String> warnings,
			ResourceStrategy strategy, boolean retryName, boolean managedFieldsSet, Instant now) {
		ResourceType type = scope.type();
		Runnable undo = strategy.allocate(object, null, options.dryRun());
		try {
			JsonNode tree = managedFieldsSet ? this.context.codec().toTree(object)
					: this.managedFields.forUpdate(type, null, object, options.fieldManager(), null, now);
			byte[] stored = this.context.codec().encodeTreeForStorage(tree);
			if (options.dryRun()) {
				return new ObjectResult(201, type, stored, warnings);
			}
			String key = type.key(object.getMetadata().getNamespace(), object.getMetadata().getName());
			this.context.cache().expectWrite(key, stored, tree);
			long revision = this.context.store().create(key, stored);
			return new ObjectResult(201, type, ResourceVersions.withResourceVersion(stored, revision), warnings);
		}
		catch (KeyExistsException ex) {
			undo.run();
			if (retryName) {
				throw new GeneratedNameTaken();
			}
			throw ApiException.alreadyExists(type.group(), type.plural(), object.getMetadata().getName());
		}
		catch (RuntimeException ex) {
			undo.run();
			throw ex;
		}
	}

	/** A generated name hit an existing object; the caller retries with a new one. */
	static final class GeneratedNameTaken extends RuntimeException {

		GeneratedNameTaken() {
			super("generated name taken", null, false, false);
		}

	}

}
