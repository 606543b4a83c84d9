package io.stevedore.storage;

/**
 * A key's value with the revision that created the key and the revision of its latest
 * change.
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {

}
