package io.stevedore.apiserver.cache;

import java.util.Map;

import io.stevedore.apiserver.codec.ResourceVersions;
import io.stevedore.machinery.registry.ResourceType;

/**
 * An object as the watch cache holds it: the stored bytes and what selectors need, read
 * once when the object is written. Immutable; shared by every list and watch that returns
 * it.
 *
 * @param modRevision the revision of the change that produced this state (for a deleted
 * object, the revision of the delete)
 */
public record CachedObject(String key, ResourceType type, String namespace, String name, byte[] stored,
		long createRevision, long modRevision, Map<String, String> labels, Map<String, String> fields) {

	/** The object's JSON as clients receive it, with metadata.resourceVersion. */
	public byte[] json() {
		return ResourceVersions.withResourceVersion(this.stored, this.modRevision);
	}

}
