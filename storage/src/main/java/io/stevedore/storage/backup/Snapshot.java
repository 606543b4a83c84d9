package io.stevedore.storage.backup;

import java.util.List;

import io.stevedore.storage.KeyValue;

/**
 * Every key of a store as it was at one revision: what a backup holds. Only keys and
 * values matter on restore; the revisions inside {@code entries} are those of the source
 * store.
 *
 * @param revision the store revision the snapshot is consistent at
 * @param entries the keys and values, in ascending key order
 */
public record Snapshot(long revision, List<KeyValue> entries) {

	public Snapshot {
		entries = List.copyOf(entries);
	}

}
