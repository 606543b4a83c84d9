package io.stevedore.apiserver.rest.strategy;

import java.time.Instant;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.apiserver.admission.AdmissionUser;

/**
 * What is special about one kind when it is written (the rest.RESTCreateStrategy and
 * friends of kube-apiserver). The generic rules live in the operations; a kind overrides
 * only what differs.
 */
public interface ResourceStrategy {

	/** Fills what the server owns on create (initial status, for instance). */
	default void prepareForCreate(HasMetadata object, Instant now) {
	}

	/**
	 * {@link #prepareForCreate(HasMetadata, Instant)} for kinds that record who asked (a
	 * CertificateSigningRequest's spec.username).
	 * @param user the requester; {@link AdmissionUser#LOOPBACK} for in-process writes
	 */
	default void prepareForCreate(HasMetadata object, Instant now, AdmissionUser user) {
		prepareForCreate(object, now);
	}

	/**
	 * Adjusts a write to a subresource ({@code status}, {@code approval}) after the
	 * generic rules kept the spec.
	 */
	default void prepareForSubresourceUpdate(String subresource, HasMetadata object, HasMetadata old) {
	}

	/** Adjusts an update of the main resource after the generic rules ran. */
	default void prepareForUpdate(HasMetadata object, HasMetadata old) {
	}

	/** Whether a create may reset the status the client sent (most kinds: yes). */
	default boolean resetsStatusOnCreate() {
		return true;
	}

	/** Whether a PUT of a missing object creates it. */
	default boolean allowCreateOnUpdate() {
		return false;
	}

	/**
	 * The grace period of a delete, or {@code null} to delete at once.
	 * @param requested the client's gracePeriodSeconds, or {@code null}
	 */
	default Long gracePeriodSeconds(HasMetadata object, Long requested) {
		return null;
	}

	/**
	 * Takes what the object needs from shared ranges (ClusterIPs, NodePorts) before it is
	 * stored. {@code old} is {@code null} on create.
	 * @return what undoes the allocation if the write then fails
	 */
	default Runnable allocate(HasMetadata object, HasMetadata old, boolean dryRun) {
		return () -> {
		};
	}

	/** Gives back what {@link #allocate} took, once the object is gone. */
	default void release(HasMetadata deleted) {
	}

	/**
	 * Whether something besides metadata.finalizers still holds a deleted object (a
	 * Namespace's spec.finalizers): then a delete only marks it, and it goes once clear.
	 */
	default boolean deletionBlocked(HasMetadata object) {
		return false;
	}

	/**
	 * Gives back what an update stopped using (a Service's type change, a removed port).
	 */
	default void releaseAfterUpdate(HasMetadata updated, HasMetadata old) {
	}

	ResourceStrategy DEFAULT = new ResourceStrategy() {
	};

}
