package io.stevedore.apiserver.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.storage.CompactedException;
import io.stevedore.storage.Event;
import io.stevedore.storage.KeyValue;
import io.stevedore.storage.ListPage;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreException;
import io.stevedore.storage.Watch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apiserver's in-memory view of the whole store, kept current from the store's change
 * log (kube-apiserver's cacher). It serves lists at the current or an older revision
 * (paging keeps one snapshot across pages) and feeds every watch, reading each object
 * once however many watchers there are.
 *
 * <p>
 * Threading: the store's watch thread calls {@link #ingest}; it appends to the history
 * ring, then updates the object map, then offers the events to watchers, all under
 * {@link #lock}. Readers iterate the concurrent map without the lock and repair what
 * changed during the iteration from the ring (every change newer than their revision is
 * in the ring before it is in the map).
 */
public final class WatchCache implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(WatchCache.class);

	private static final String ROOT = "/registry/";

	private static final int INITIAL_PAGE = 2000;

	private final Store store;

	private final ObjectAttributes attributes;

	private final ConcurrentSkipListMap<String, CachedObject> objects = new ConcurrentSkipListMap<>();

	private final CachedEvent[] ring;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition advanced = this.lock.newCondition();

	private final Map<ResourceType, List<Watcher>> watchers = new HashMap<>();

	/** Index of the oldest event in the ring; guarded by lock. */
	private int head;

	/** Number of events in the ring; guarded by lock. */
	private int size;

	/** Lists and watches at revisions below this cannot be served from the ring. */
	private volatile long windowStart;

	private volatile long revision;

	private volatile boolean ready;

	private volatile Watch storeWatch;

	private static final long WATCHDOG_PERIOD_MILLIS = 2000;

	private static final long STALL_MILLIS = 6000;

	private final ScheduledExecutorService watchdog = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("watch-cache-watchdog").factory());

	/** The cache revision at the last progress check, and since when it has not moved. */
	private long lagRevision = -1;

	private long lagSince;

	public WatchCache(Store store, ObjectAttributes attributes, int historySize) {
		this.store = store;
		this.attributes = attributes;
		this.ring = new CachedEvent[historySize];
	}

	/** Loads the store and starts following its change log. */
	public void start() {
		long lastRevision = load();
		waitForRevision(lastRevision, Duration.ofSeconds(30));
		this.ready = true;
		this.watchdog.scheduleWithFixedDelay(this::checkProgress, WATCHDOG_PERIOD_MILLIS, WATCHDOG_PERIOD_MILLIS,
				TimeUnit.MILLISECONDS);
		log.info("watch cache ready objects={} revision={}", this.objects.size(), this.revision);
	}

	/**
	 * Reads every object page by page, then follows the change log from the first page's
	 * revision; returns the revision of the last page, from which the map is a snapshot.
	 */
	private long load() {
		long firstRevision = -1;
		long lastRevision = 0;
		String after = null;
		while (true) {
			ListPage page = this.store.list(ROOT, after, INITIAL_PAGE);
			if (firstRevision < 0) {
				firstRevision = page.revision();
			}
			lastRevision = page.revision();
			for (KeyValue kv : page.items()) {
				CachedObject object = this.attributes.read(kv, kv.modRevision());
				if (object != null) {
					this.objects.put(kv.key(), object);
				}
				after = kv.key();
			}
			if (!page.more()) {
				break;
			}
		}
		this.revision = firstRevision;
		// Pages read at revisions after firstRevision may already hold newer states;
		// ingest
		// keeps the newest, and the window starts where the map is a true snapshot.
		this.windowStart = lastRevision;
		this.storeWatch = this.store.watch(ROOT, firstRevision, this::ingest);
		return lastRevision;
	}

	/**
	 * The store's watch has no error channel: if it stops (a consumer failure, history
	 * compacted under it), the cache would silently freeze. When the cache lags the store
	 * without progress for a while, follow the log again from where the cache is, or
	 * reload everything when that history is gone.
	 */
	private void checkProgress() {
		try {
			long storeRevision = this.store.currentRevision();
			long mine = this.revision;
			long now = System.nanoTime();
			if (mine >= storeRevision || mine != this.lagRevision) {
				this.lagRevision = mine;
				this.lagSince = now;
				return;
			}
			if (now - this.lagSince > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
				log.warn("watch cache stalled revision={} store={}; following the change log again", mine,
						storeRevision);
				this.storeWatch.close();
				try {
					this.storeWatch = this.store.watch(ROOT, mine, this::ingest);
				}
				catch (CompactedException ex) {
					reload();
				}
				this.lagSince = now;
			}
		}
		catch (StoreException ex) {
			// The store is down: nothing to follow until it returns.
		}
		catch (RuntimeException ex) {
			log.error("watch cache watchdog failed", ex);
		}
	}

	/**
	 * Starts over from a fresh listing; every watcher must re-watch (and will get 410).
	 */
	private void reload() {
		log.warn("watch cache history is gone from the store; reloading every object");
		terminateWatchers();
		this.lock.lock();
		try {
			this.objects.clear();
			java.util.Arrays.fill(this.ring, null);
			this.head = 0;
			this.size = 0;
		}
		finally {
			this.lock.unlock();
		}
		load();
	}

	/**
	 * Announces a write this apiserver is about to make, so the change it brings back is
	 * not parsed again (see {@link RecentWrites}); {@code tree} must not change
	 * afterwards.
	 */
	public void expectWrite(String key, byte[] stored, JsonNode tree) {
		this.attributes.expectWrite(key, stored, tree);
	}

	public boolean isReady() {
		return this.ready;
	}

	public long revision() {
		return this.revision;
	}

	public int size() {
		return this.objects.size();
	}

	/**
	 * Applies a batch from the store's change log; called on the store's watch thread.
	 */
	void ingest(List<Event> events) {
		this.lock.lock();
		try {
			for (Event event : events) {
				if (event.revision() <= this.revision) {
					continue;
				}
				CachedEvent cached = toCachedEventOrNull(event);
				if (cached != null) {
					append(cached);
					if (cached.type() == CachedEvent.Type.DELETED) {
						this.objects.remove(event.kv().key());
					}
					else {
						this.objects.put(event.kv().key(), cached.object());
					}
					List<Watcher> interested = this.watchers.get(cached.object().type());
					if (interested != null) {
						for (Watcher watcher : interested) {
							watcher.offer(cached);
						}
					}
				}
				this.revision = event.revision();
			}
			for (List<Watcher> list : this.watchers.values()) {
				for (Watcher watcher : list) {
					watcher.advanceTo(this.revision);
				}
			}
			this.advanced.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Unreadable values only advance the revision: a failure here must not stop the feed.
	 */
	private CachedEvent toCachedEventOrNull(Event event) {
		try {
			return toCachedEvent(event);
		}
		catch (RuntimeException ex) {
			log.error("watch cache cannot read key={} revision={}; skipping it", event.kv().key(), event.revision(),
					ex);
			return null;
		}
	}

	private CachedEvent toCachedEvent(Event event) {
		KeyValue kv = event.kv();
		CachedObject previous = this.objects.get(kv.key());
		CachedObject object = this.attributes.read(kv, event.revision());
		if (object == null) {
			return null;
		}
		return switch (event.type()) {
			case CREATE -> new CachedEvent(event.revision(), CachedEvent.Type.ADDED, object, null);
			case UPDATE -> new CachedEvent(event.revision(), CachedEvent.Type.MODIFIED, object, previous);
			case DELETE -> new CachedEvent(event.revision(), CachedEvent.Type.DELETED, object, previous);
		};
	}

	private void append(CachedEvent event) {
		if (this.size == this.ring.length) {
			this.windowStart = Math.max(this.windowStart, this.ring[this.head].revision());
			this.ring[this.head] = event;
			this.head = (this.head + 1) % this.ring.length;
		}
		else {
			this.ring[(this.head + this.size) % this.ring.length] = event;
			this.size++;
		}
	}

	/**
	 * Blocks until the cache has seen {@code target}; a consistent read first asks the
	 * store for its revision and waits for it here.
	 */
	public void waitForRevision(long target, Duration timeout) {
		if (this.revision >= target) {
			return;
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		this.lock.lock();
		try {
			while (this.revision < target) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw ApiException.timeout("Too large resource version: " + target + ", current: " + this.revision);
				}
				this.advanced.awaitNanos(left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw ApiException.timeout("interrupted while waiting for resource version " + target);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Waits until every write acknowledged before this call is visible here. */
	public long syncWithStore(Duration timeout) {
		long target = this.store.currentRevision();
		waitForRevision(target, timeout);
		return target;
	}

	public CachedObject get(String key) {
		return this.objects.get(key);
	}

	/**
	 * The objects under a prefix as they were at {@code atRevision}, in key order,
	 * starting after {@code startAfterKey}.
	 * @throws ApiException 410 Expired when the revision is older than the history window
	 */
	public List<CachedObject> list(String prefix, long atRevision, String startAfterKey) {
		List<CachedObject> candidates = new ArrayList<>();
		String from = (startAfterKey == null || startAfterKey.compareTo(prefix) < 0) ? prefix : startAfterKey;
		boolean inclusive = startAfterKey == null || startAfterKey.compareTo(prefix) < 0;
		for (CachedObject object : this.objects.subMap(from, inclusive, prefix + Character.MAX_VALUE, false).values()) {
			candidates.add(object);
		}
		Map<String, CachedObject> rewound = rewind(prefix, atRevision, from, inclusive);
		if (rewound.isEmpty()) {
			return candidates;
		}
		TreeMap<String, CachedObject> merged = new TreeMap<>();
		for (CachedObject object : candidates) {
			merged.put(object.key(), object);
		}
		for (Map.Entry<String, CachedObject> entry : rewound.entrySet()) {
			if (entry.getValue() == null) {
				merged.remove(entry.getKey());
			}
			else {
				merged.put(entry.getKey(), entry.getValue());
			}
		}
		return new ArrayList<>(merged.values());
	}

	/**
	 * For each key under the prefix changed after {@code atRevision}, its state at that
	 * revision ({@code null} value: it did not exist).
	 */
	private Map<String, CachedObject> rewind(String prefix, long atRevision, String from, boolean inclusive) {
		Map<String, CachedObject> states = new HashMap<>();
		this.lock.lock();
		try {
			if (atRevision < this.windowStart) {
				throw ApiException.expired("too old resource version: " + atRevision + " (" + this.windowStart + ")");
			}
			// Newest first: the last write wins the "state before" of the oldest change.
			for (int i = this.size - 1; i >= 0; i--) {
				CachedEvent event = this.ring[(this.head + i) % this.ring.length];
				if (event.revision() <= atRevision) {
					break;
				}
				String key = event.object().key();
				int order = key.compareTo(from);
				if (key.startsWith(prefix) && (order > 0 || (inclusive && order == 0))) {
					states.put(key, event.stateBefore());
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		return states;
	}

	/**
	 * Compacts history up to {@code revision}, in the store and here: lists and watches
	 * at older revisions get 410 from then on, and clients re-list (what etcd compaction
	 * does every five minutes in Kubernetes).
	 */
	public void compact(long revision) {
		long target = Math.min(revision, this.revision);
		this.store.compact(target);
		this.lock.lock();
		try {
			this.windowStart = Math.max(this.windowStart, target);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Registers a watcher for changes after {@code afterRevision} of one resource; events
	 * between that revision and now are queued first.
	 * @throws ApiException 410 Gone when the revision is older than the history window
	 */
	public Watcher watch(ResourceType type, String keyPrefix, WatchFilter filter, long afterRevision,
			int queueCapacity) {
		this.lock.lock();
		try {
			if (afterRevision < this.windowStart) {
				throw ApiException.gone("too old resource version: " + afterRevision + " (" + this.windowStart + ")");
			}
			Watcher watcher = new Watcher(type, keyPrefix, filter, queueCapacity, this::unregister);
			for (int i = 0; i < this.size; i++) {
				CachedEvent event = this.ring[(this.head + i) % this.ring.length];
				if (event.revision() > afterRevision && event.object().type() == type) {
					watcher.offer(event);
				}
			}
			watcher.advanceTo(this.revision);
			this.watchers.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(watcher);
			return watcher;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void unregister(Watcher watcher) {
		this.lock.lock();
		try {
			List<Watcher> list = this.watchers.get(watcher.type());
			if (list != null) {
				list.remove(watcher);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	public int watcherCount() {
		return this.watchers.values().stream().mapToInt(List::size).sum();
	}

	@Override
	public void close() {
		this.watchdog.shutdownNow();
		if (this.storeWatch != null) {
			this.storeWatch.close();
		}
		terminateWatchers();
	}

	/**
	 * Ends every watch; their clients re-watch (from another replica, or after a
	 * restart). Called when the server shuts down, so open watches do not hold graceful
	 * shutdown for their whole timeout.
	 */
	public void terminateWatchers() {
		this.lock.lock();
		try {
			for (List<Watcher> list : this.watchers.values()) {
				for (Watcher watcher : list) {
					watcher.terminate();
				}
			}
			this.watchers.clear();
		}
		finally {
			this.lock.unlock();
		}
	}

}
