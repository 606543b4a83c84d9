package io.stevedore.controller.workload;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The cached objects a controller may claim: those it controls and the orphans of its
 * namespace ({@link OwnerIndex#claimCandidates}), behind an interface so a sync is
 * unit-tested against an in-memory list.
 *
 * @param <T> the cached type
 */
@FunctionalInterface
public interface ClaimCandidates<T extends HasMetadata> {

	/** Shared with the cache: callers copy before they change anything. */
	List<T> of(HasMetadata owner);

}
