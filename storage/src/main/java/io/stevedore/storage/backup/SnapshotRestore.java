package io.stevedore.storage.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.stevedore.storage.KeyValue;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreException;

/**
 * Loads a snapshot into an empty store. Objects keep their bytes (uids, timestamps, owner
 * references); the store gives them new revisions, so every client must list again, which
 * they do when the cluster restarts after a restore.
 */
public final class SnapshotRestore {

	/**
	 * Writers at once: the embedded store commits concurrent writes with one fsync, so a
	 * restore of many keys is bound by the disk's fsyncs only when written one by one.
	 */
	private static final int WRITERS = 32;

	private SnapshotRestore() {
	}

	/**
	 * @return how many keys were written
	 * @throws StoreException when the store already holds a key (nothing is written)
	 */
	public static int restore(Store store, Snapshot snapshot) {
		List<KeyValue> existing = store.list("/", null, 1).items();
		if (!existing.isEmpty()) {
			throw new StoreException("cannot restore into a store that holds data (for example " + existing.get(0).key()
					+ "); restore needs an empty store");
		}
		List<KeyValue> entries = snapshot.entries();
		try (ExecutorService writers = Executors.newFixedThreadPool(WRITERS, Thread.ofVirtual().factory())) {
			List<Future<?>> done = new ArrayList<>(WRITERS);
			for (int w = 0; w < WRITERS; w++) {
				int first = w;
				done.add(writers.submit(() -> {
					for (int i = first; i < entries.size(); i += WRITERS) {
						store.create(entries.get(i).key(), entries.get(i).value());
					}
				}));
			}
			for (Future<?> writer : done) {
				writer.get();
			}
		}
		catch (ExecutionException ex) {
			throw new StoreException("restore failed: " + ex.getCause().getMessage(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StoreException("restore interrupted", ex);
		}
		return entries.size();
	}

}
