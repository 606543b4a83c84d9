package io.stevedore.storage.backup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import io.stevedore.storage.Event;
import io.stevedore.storage.KeyValue;
import io.stevedore.storage.ListPage;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreException;
import io.stevedore.storage.Watch;

/**
 * Reads a consistent snapshot of a live store, as {@code etcdctl snapshot save} does,
 * while writes go on.
 *
 * <p>
 * A paged list is not a snapshot: each page is read at its own revision. So the reader
 * also follows the change log from before the first page and, once every page is read,
 * rolls each page forward to the last page's revision: a change is applied when it is
 * newer than the page that covers its key. Every key starts with "/", so the log under
 * "/" holds every revision and the reader can tell when it has seen them all.
 */
public final class SnapshotReader {

	private static final String ALL = "/";

	private static final int PAGE = 1_000;

	private SnapshotReader() {
	}

	/**
	 * @param timeout how long to wait for the change log to catch up with the pages
	 */
	public static Snapshot read(Store store, Duration timeout) {
		long start = store.currentRevision();
		ChangeBuffer changes = new ChangeBuffer(start);
		try (Watch watch = store.watch(ALL, start, changes::add)) {
			TreeMap<String, KeyValue> state = new TreeMap<>();
			List<PageBound> pages = new ArrayList<>();
			String after = null;
			long target = start;
			while (true) {
				ListPage page = store.list(ALL, after, PAGE);
				for (KeyValue kv : page.items()) {
					state.put(kv.key(), kv);
					after = kv.key();
				}
				target = Math.max(target, page.revision());
				if (!page.more()) {
					pages.add(new PageBound(null, page.revision()));
					break;
				}
				pages.add(new PageBound(after, page.revision()));
			}
			for (Event event : changes.awaitThrough(target, timeout)) {
				String key = event.kv().key();
				if (event.revision() <= coveringPage(pages, key).revision()) {
					continue;
				}
				if (event.type() == Event.Type.DELETE) {
					state.remove(key);
				}
				else {
					state.put(key, event.kv());
				}
			}
			return new Snapshot(target, new ArrayList<>(state.values()));
		}
	}

	/**
	 * The page whose key range holds {@code key}: the first whose last key is not before
	 * it.
	 */
	private static PageBound coveringPage(List<PageBound> pages, String key) {
		for (PageBound page : pages) {
			if (page.lastKey() == null || key.compareTo(page.lastKey()) <= 0) {
				return page;
			}
		}
		throw new IllegalStateException("no page covers " + key);
	}

	/**
	 * @param lastKey the page's last key; {@code null} for the final page, which covers
	 * every key after the previous one
	 * @param revision the revision the page was read at
	 */
	private record PageBound(String lastKey, long revision) {
	}

	/** Collects change-log batches from the store's watch thread. */
	private static final class ChangeBuffer {

		private final List<Event> events = new ArrayList<>();

		/** The newest revision delivered; the log is complete up to it. */
		private long lastRevision;

		ChangeBuffer(long start) {
			this.lastRevision = start;
		}

		synchronized void add(List<Event> batch) {
			this.events.addAll(batch);
			if (!batch.isEmpty()) {
				this.lastRevision = batch.get(batch.size() - 1).revision();
			}
			notifyAll();
		}

		/**
		 * The changes up to and including {@code revision}, once they have all arrived.
		 */
		synchronized List<Event> awaitThrough(long revision, Duration timeout) {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (this.lastRevision < revision) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new StoreException("backup: the change log did not reach revision " + revision + " within "
							+ timeout + " (last seen " + this.lastRevision + ")");
				}
				try {
					wait(Math.max(1, left / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new StoreException("backup interrupted", ex);
				}
			}
			return this.events.stream().filter((event) -> event.revision() <= revision).toList();
		}

	}

}
