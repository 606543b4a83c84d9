package io.stevedore.storage;

import java.util.function.Consumer;

/**
 * The whole storage contract of the apiserver, in the manner of kine: a key space of byte
 * values, one global revision that every write bumps by exactly one, compare-and-swap
 * updates, and an ordered change log that watches read from.
 *
 * <p>
 * Keys are slash-separated paths such as {@code /registry/pods/default/web-1}; listing
 * and watching select by key prefix. Values are opaque bytes (the apiserver stores JSON
 * without {@code metadata.resourceVersion}; the revision is the resourceVersion).
 *
 * <p>
 * Threading: every method is safe to call from many threads at once. A write returns only
 * once it is durable (it survives a crash of the process and of the machine's page
 * cache).
 */
public interface Store extends AutoCloseable {

	/** The revision of the newest write, 0 for an empty store. */
	long currentRevision();

	/** The oldest revision a watch may still start after; older ones are compacted. */
	long compactedRevision();

	/** The current value of a key, or {@code null} when there is none. */
	KeyValue get(String key);

	/**
	 * A page of the current values under a prefix, in ascending key order, starting after
	 * {@code startAfterKey} (exclusive, {@code null} for the first page). {@code limit} 0
	 * means no limit. The page carries the store revision it was read at; a multi-page
	 * read is not a snapshot (callers reconcile with the change log, see {@link #watch}).
	 */
	ListPage list(String prefix, String startAfterKey, int limit);

	/**
	 * Creates a key that must not exist.
	 * @return the revision of this write
	 * @throws KeyExistsException when the key has a value
	 */
	long create(String key, byte[] value);

	/**
	 * Replaces the value of an existing key if its modRevision is
	 * {@code expectedModRevision} (0: whatever it is).
	 * @return the revision of this write
	 * @throws KeyNotFoundException when the key has no value
	 * @throws RevisionConflictException when the key's modRevision differs
	 */
	long update(String key, byte[] value, long expectedModRevision);

	/**
	 * Deletes a key if its modRevision is {@code expectedModRevision} (0: whatever it
	 * is).
	 * @return the deleted value, with the revision of the delete as {@code modRevision}
	 * @throws KeyNotFoundException when the key has no value
	 * @throws RevisionConflictException when the key's modRevision differs
	 */
	KeyValue delete(String key, long expectedModRevision);

	/**
	 * Delivers, in revision order and without gaps or duplicates, every change under
	 * {@code prefix} with a revision greater than {@code afterRevision}: first those
	 * already in the log, then new ones as they are written. Events are delivered in
	 * batches on a thread of the store's; the consumer must not block for long.
	 * @throws CompactedException when {@code afterRevision} is older than
	 * {@link #compactedRevision()}
	 */
	Watch watch(String prefix, long afterRevision, Consumer<java.util.List<Event>> consumer);

	/** Discards the change log up to and including {@code revision}. */
	void compact(long revision);

	/** Whether the backing service answers right now (for readiness and 503s). */
	boolean isAvailable();

	@Override
	void close();

}
