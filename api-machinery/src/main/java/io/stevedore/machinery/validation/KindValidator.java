package io.stevedore.machinery.validation;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.machinery.errors.FieldError;

/**
 * The validation of one kind beyond its metadata, which {@link Validation} checks first.
 * Implementations are stateless and thread-safe.
 *
 * @param <T> the fabric8 model class of the kind
 */
public interface KindValidator<T extends HasMetadata> {

	/** How {@code metadata.name} is checked; most kinds use DNS-1123 subdomains. */
	default NameValidator names() {
		return NameValidator.DNS1123_SUBDOMAIN;
	}

	/** The checks of a create (and, unless overridden, of an update). */
	List<FieldError> validate(T obj);

	/** An update: the create checks plus the fields that may not change. */
	default List<FieldError> validateUpdate(T obj, T old) {
		return validate(obj);
	}

	/** A write to the status subresource: the spec is not the writer's to check. */
	default List<FieldError> validateStatusUpdate(T obj, T old) {
		return List.of();
	}

	/**
	 * A write to a subresource that changes one part of the object
	 * ({@code pods/ephemeralcontainers}); by default checked as an update of the whole.
	 */
	default List<FieldError> validateSubresourceUpdate(String subresource, T obj, T old) {
		return validateUpdate(obj, old);
	}

}
