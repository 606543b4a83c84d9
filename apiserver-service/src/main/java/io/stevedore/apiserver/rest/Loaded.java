package io.stevedore.apiserver.rest;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * An object read from the store for a write: its typed form (resourceVersion set), the
 * revision to compare-and-swap against, and the bytes as stored.
 */
public record Loaded(HasMetadata object, long modRevision, byte[] stored) {

}
