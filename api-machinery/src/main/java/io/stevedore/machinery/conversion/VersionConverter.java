package io.stevedore.machinery.conversion;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.registry.ResourceType;

/**
 * Converts one resource between a version the apiserver serves and the version it stores,
 * as Kubernetes' conversion functions do through the internal version. Objects are stored
 * once, in the storage version; requests to the served version are converted on the way
 * in and answers on the way out.
 *
 * <p>
 * Implementations work on JSON trees so the patch machinery can move an object into the
 * request's version and back. They never modify their argument. Thread-safe.
 */
public interface VersionConverter {

	/** The resource as the client addresses it, e.g. autoscaling/v1 HPAs. */
	ResourceType served();

	/** The resource the objects are stored as, e.g. autoscaling/v2 HPAs. */
	ResourceType storage();

	/** A served-version object (a body, a patched object) in the storage version. */
	ObjectNode toStorage(ObjectNode served);

	/** A stored object as the served version shows it. */
	ObjectNode toServed(ObjectNode stored);

	/**
	 * What the served version requires on create beyond the storage version's rules,
	 * checked on the body as sent (Kubernetes validates with the request's version).
	 */
	default List<FieldError> validateCreate(ObjectNode served) {
		return List.of();
	}

}
