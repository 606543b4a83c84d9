package io.stevedore.apiserver.cache;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON trees of the objects this apiserver is writing, kept from the write until the
 * store's change log brings them back to the watch cache, so the cache reads labels and
 * selectable fields from the tree instead of parsing the stored bytes again (a tenth of a
 * create's CPU).
 *
 * <p>
 * A tree is used only for a change whose value is byte for byte the one written from it;
 * anything else (another apiserver's write, a write that failed, a later change of the
 * key) is parsed as before. The tree must not change after {@link #expect}. Entries that
 * no change takes (a failed write) are dropped when the map reaches its bound, so it
 * never grows past it. Thread-safe.
 */
final class RecentWrites {

	/** More than the writes in flight at once (the store's change log lags by few). */
	static final int BOUND = 4096;

	private record Written(byte[] stored, JsonNode tree) {
	}

	private final ConcurrentHashMap<String, Written> written = new ConcurrentHashMap<>();

	/** Called before the write, so the change cannot come back before it is known. */
	void expect(String key, byte[] stored, JsonNode tree) {
		if (this.written.size() >= BOUND) {
			this.written.clear();
		}
		this.written.put(key, new Written(stored, tree));
	}

	/** The tree {@code value} was written from, or {@code null}; forgets the key. */
	JsonNode take(String key, byte[] value) {
		Written written = this.written.remove(key);
		if (written == null) {
			return null;
		}
		return (written.stored() == value || Arrays.equals(written.stored(), value)) ? written.tree() : null;
	}

	int size() {
		return this.written.size();
	}

}
