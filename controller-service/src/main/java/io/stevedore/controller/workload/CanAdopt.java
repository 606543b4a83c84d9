package io.stevedore.controller.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Whether an owner may still adopt (Kubernetes' {@code canAdopt} given to a
 * {@code ControllerRefManager}): the cache can be older than a deletion, so before the
 * first adoption of a claim the owner is read again. Asked at most once per claim, and
 * only when there is something to adopt.
 */
@FunctionalInterface
public interface CanAdopt {

	/** For tests and owners that need no recheck. */
	CanAdopt ALWAYS = (owner) -> {
	};

	/**
	 * @throws RuntimeException saying why the owner may not adopt: it is gone, was
	 * replaced by another object of the same name, or is being deleted
	 */
	void check(HasMetadata owner);

}
