package io.stevedore.storage.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.stevedore.storage.CompactedException;
import io.stevedore.storage.Event;
import io.stevedore.storage.KeyExistsException;
import io.stevedore.storage.KeyNotFoundException;
import io.stevedore.storage.KeyValue;
import io.stevedore.storage.ListPage;
import io.stevedore.storage.RevisionConflictException;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreConfig;
import io.stevedore.storage.StoreException;
import io.stevedore.storage.StoreUnavailableException;
import io.stevedore.storage.Watch;
import io.stevedore.storage.watch.WatchHub;

/**
 * The single-apiserver store: the key space in memory, made durable by a write-ahead log
 * in one directory, in the manner of k3s's embedded SQLite.
 *
 * <pre>
 *  writer threads --(writeLock: CAS check, revision++, encode)--> staging batch
 *                                                                      |
 *  committer thread: append batch to wal-N.log, ONE fsync (group commit) |
 *        -> apply to the readable map + event ring -> ack writers -> publish to watches
 *        -> segment full? rotate, hand a copy of the map to the snapshot thread
 *                                                  -> snapshot-R.snap, delete old segments
 * </pre>
 *
 * Writes are visible to readers only once durable: a write not yet fsynced lives in
 * {@code pending}, which only the compare-and-swap checks of later writers consult.
 *
 * <p>
 * Threading: every public method is thread-safe. Values handed in are copied; values
 * handed out are shared with the store and must not be modified.
 */
public final class EmbeddedStore implements Store {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedStore.class);

	/**
	 * @param segmentBytes the log size after which a snapshot is taken and the log
	 * truncated
	 */
	public record Options(long watchHistory, long segmentBytes) {

		public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

		public static Options from(StoreConfig config) {
			return new Options(config.watchHistory(), DEFAULT_SEGMENT_BYTES);
		}

	}

	private final Path directory;

	private final Options options;

	private final DirectoryLock lock;

	private final WriteAheadLog wal;

	/** Durable values, what readers see; only the committer thread modifies it. */
	private final ConcurrentSkipListMap<String, KeyValue> committed = new ConcurrentSkipListMap<>();

	/**
	 * The same entries by key, for the point reads of every write's check and every get:
	 * a skip-list lookup among 40,000 keys with one long common prefix was 5 % of a
	 * create's CPU, under the write lock. Changed with {@link #committed}, by the same
	 * thread.
	 */
	private final ConcurrentHashMap<String, KeyValue> byKey = new ConcurrentHashMap<>();

	/**
	 * Makes (revision, committed, ring) change atomically for lists and watch replays.
	 */
	private final ReentrantReadWriteLock state = new ReentrantReadWriteLock();

	private final EventRing ring;

	private volatile long revision;

	private final WatchHub hub;

	/**
	 * Guards staging, pending and assignedRevision: the single writer's critical section.
	 */
	private final ReentrantLock writeLock = new ReentrantLock();

	private final Condition batchReady = this.writeLock.newCondition();

	private final Map<String, Event> pending = new HashMap<>();

	private long assignedRevision;

	private Batch staging = new Batch();

	private volatile StoreException failure;

	private volatile boolean closed;

	private final Thread committer;

	private final ExecutorService snapshotter;

	private final AtomicBoolean snapshotRunning = new AtomicBoolean();

	private EmbeddedStore(Path directory, Options options, DirectoryLock lock) throws IOException {
		this.directory = directory;
		this.options = options;
		this.lock = lock;
		SnapshotFile.Loaded snapshot = SnapshotFile.readLatest(directory);
		long base = 0;
		if (snapshot != null) {
			base = snapshot.revision();
			for (KeyValue kv : snapshot.items()) {
				this.committed.put(kv.key(), kv);
				this.byKey.put(kv.key(), kv);
			}
		}
		this.revision = base;
		this.ring = new EventRing((int) Math.min(Integer.MAX_VALUE - 8, options.watchHistory()), base);
		this.wal = WriteAheadLog.recover(directory, base + 1, this::replay);
		this.assignedRevision = this.revision;
		this.hub = new WatchHub("embedded", (after, limit) -> read(() -> this.ring.eventsAfter(after, limit)));
		this.snapshotter = Executors
			.newSingleThreadExecutor(Thread.ofPlatform().name("embedded-store-snapshot").daemon(true).factory());
		this.committer = Thread.ofPlatform().name("embedded-store-committer").daemon(true).start(this::commitLoop);
		log.info("embedded store open dir={} revision={} keys={} snapshotRevision={}", directory, this.revision,
				this.committed.size(), base);
	}

	/**
	 * Opens (creating if needed) the store in {@code directory}, recovering every
	 * acknowledged write from its snapshot and write-ahead log.
	 * @throws StoreException when another process holds the directory or its files are
	 * corrupt
	 */
	public static EmbeddedStore open(Path directory, Options options) {
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new StoreUnavailableException("embedded store: cannot create directory " + directory, ex);
		}
		DirectoryLock lock = DirectoryLock.acquire(directory);
		try {
			return new EmbeddedStore(directory, options, lock);
		}
		catch (IOException | RuntimeException ex) {
			lock.close();
			if (ex instanceof StoreException storeException) {
				throw storeException;
			}
			throw new StoreUnavailableException("embedded store: cannot recover " + directory + ": " + ex, ex);
		}
	}

	/**
	 * Applies one recovered log record; runs in the constructor, before any other thread.
	 */
	private void replay(WalRecord.Decoded record) {
		if (record.event() == null) {
			if (record.compactRevision() <= this.revision) {
				this.ring.compact(record.compactRevision());
			}
			return;
		}
		Event event = record.event();
		if (event.revision() <= this.revision) {
			return; // already in the snapshot
		}
		if (event.revision() != this.revision + 1) {
			throw new StoreException("embedded store: write-ahead log in " + this.directory + " jumps from revision "
					+ this.revision + " to " + event.revision() + "; refusing to start");
		}
		applyEvent(event);
		this.revision = event.revision();
	}

	private void applyEvent(Event event) {
		if (event.type() == Event.Type.DELETE) {
			this.committed.remove(event.kv().key());
			this.byKey.remove(event.kv().key());
		}
		else {
			this.committed.put(event.kv().key(), event.kv());
			this.byKey.put(event.kv().key(), event.kv());
		}
		this.ring.add(event);
	}

	// ---- reads

	@Override
	public long currentRevision() {
		checkUsable();
		return this.revision;
	}

	@Override
	public long compactedRevision() {
		checkUsable();
		return read(this.ring::compactedRevision);
	}

	@Override
	public KeyValue get(String key) {
		requireKey(key);
		checkUsable();
		return this.byKey.get(key);
	}

	@Override
	public ListPage list(String prefix, String startAfterKey, int limit) {
		String from = (prefix != null) ? prefix : "";
		if (limit < 0) {
			throw new IllegalArgumentException("limit must not be negative, got " + limit);
		}
		checkUsable();
		return read(() -> {
			NavigableMap<String, KeyValue> range = (startAfterKey == null || startAfterKey.compareTo(from) < 0)
					? this.committed.tailMap(from, true) : this.committed.tailMap(startAfterKey, false);
			List<KeyValue> items = new ArrayList<>();
			boolean more = false;
			for (KeyValue kv : range.values()) {
				if (!kv.key().startsWith(from)) {
					break;
				}
				if (limit > 0 && items.size() == limit) {
					more = true;
					break;
				}
				items.add(kv);
			}
			return new ListPage(List.copyOf(items), this.revision, more);
		});
	}

	@Override
	public Watch watch(String prefix, long afterRevision, Consumer<List<Event>> consumer) {
		checkUsable();
		long compacted = compactedRevision();
		if (afterRevision < compacted) {
			throw new CompactedException(
					"revision " + afterRevision + " is compacted (oldest watchable: " + compacted + ")");
		}
		return this.hub.watch(prefix, afterRevision, consumer);
	}

	private <T> T read(java.util.function.Supplier<T> reader) {
		this.state.readLock().lock();
		try {
			return reader.get();
		}
		finally {
			this.state.readLock().unlock();
		}
	}

	// ---- writes

	@Override
	public long create(String key, byte[] value) {
		requireKey(key);
		byte[] copy = requireValue(value);
		Batch batch;
		long rev;
		this.writeLock.lock();
		try {
			checkUsable();
			if (latest(key) != null) {
				throw new KeyExistsException("key " + key + " already exists");
			}
			rev = ++this.assignedRevision;
			batch = stage(new Event(Event.Type.CREATE, new KeyValue(key, copy, rev, rev), 0));
		}
		finally {
			this.writeLock.unlock();
		}
		awaitDurable(batch);
		return rev;
	}

	@Override
	public long update(String key, byte[] value, long expectedModRevision) {
		requireKey(key);
		byte[] copy = requireValue(value);
		Batch batch;
		long rev;
		this.writeLock.lock();
		try {
			checkUsable();
			KeyValue current = expect(key, expectedModRevision);
			rev = ++this.assignedRevision;
			KeyValue next = new KeyValue(key, copy, current.createRevision(), rev);
			batch = stage(new Event(Event.Type.UPDATE, next, current.modRevision()));
		}
		finally {
			this.writeLock.unlock();
		}
		awaitDurable(batch);
		return rev;
	}

	@Override
	public KeyValue delete(String key, long expectedModRevision) {
		requireKey(key);
		Batch batch;
		KeyValue deleted;
		this.writeLock.lock();
		try {
			checkUsable();
			KeyValue current = expect(key, expectedModRevision);
			long rev = ++this.assignedRevision;
			deleted = new KeyValue(key, current.value(), current.createRevision(), rev);
			batch = stage(new Event(Event.Type.DELETE, deleted, current.modRevision()));
		}
		finally {
			this.writeLock.unlock();
		}
		awaitDurable(batch);
		return deleted;
	}

	@Override
	public void compact(long revision) {
		Batch batch;
		this.writeLock.lock();
		try {
			checkUsable();
			if (revision > this.assignedRevision) {
				throw new IllegalArgumentException("cannot compact to revision " + revision
						+ ": it is newer than the current revision " + this.assignedRevision);
			}
			if (revision <= compactedRevision()) {
				return;
			}
			batch = this.staging;
			batch.compactTo = Math.max(batch.compactTo, revision);
			batch.bytes.writeBytes(WalRecord.encodeCompaction(revision));
			this.batchReady.signal();
		}
		finally {
			this.writeLock.unlock();
		}
		awaitDurable(batch);
	}

	/** The newest value including writes not yet durable; caller holds the write lock. */
	private KeyValue latest(String key) {
		Event staged = this.pending.get(key);
		if (staged != null) {
			return (staged.type() == Event.Type.DELETE) ? null : staged.kv();
		}
		return this.byKey.get(key);
	}

	private KeyValue expect(String key, long expectedModRevision) {
		KeyValue current = latest(key);
		if (current == null) {
			throw new KeyNotFoundException("key " + key + " not found");
		}
		if (expectedModRevision != 0 && current.modRevision() != expectedModRevision) {
			throw new RevisionConflictException("key " + key + ": expected modRevision " + expectedModRevision
					+ " but it is " + current.modRevision());
		}
		return current;
	}

	private Batch stage(Event event) {
		this.pending.put(event.kv().key(), event);
		this.staging.events.add(event);
		this.staging.bytes.writeBytes(WalRecord.encode(event));
		this.batchReady.signal();
		return this.staging;
	}

	private void awaitDurable(Batch batch) {
		try {
			batch.done.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof StoreException storeException) {
				throw storeException;
			}
			throw new StoreUnavailableException("embedded store: write failed: " + ex.getCause(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StoreUnavailableException(
					"embedded store: interrupted while waiting for the write to be durable (it may still be applied)",
					ex);
		}
	}

	// ---- the committer

	private void commitLoop() {
		while (true) {
			Batch batch;
			this.writeLock.lock();
			try {
				while (this.staging.isEmpty() && !this.closed) {
					this.batchReady.awaitUninterruptibly();
				}
				if (this.staging.isEmpty()) {
					return;
				}
				batch = this.staging;
				this.staging = new Batch();
			}
			finally {
				this.writeLock.unlock();
			}
			try {
				this.wal.append(ByteBuffer.wrap(batch.bytes.buffer(), 0, batch.bytes.size()));
				this.wal.sync();
			}
			catch (IOException | RuntimeException ex) {
				fail(batch, ex);
				return;
			}
			apply(batch);
			batch.done.complete(null);
			this.hub.publish(batch.events);
			maybeSnapshot();
		}
	}

	private void apply(Batch batch) {
		this.state.writeLock().lock();
		try {
			for (Event event : batch.events) {
				applyEvent(event);
			}
			if (batch.compactTo > 0) {
				this.ring.compact(batch.compactTo);
			}
			if (!batch.events.isEmpty()) {
				this.revision = batch.events.getLast().revision();
			}
		}
		finally {
			this.state.writeLock().unlock();
		}
		this.writeLock.lock();
		try {
			for (Event event : batch.events) {
				this.pending.remove(event.kv().key(), event);
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/** A failed log write leaves memory ahead of disk: stop serving rather than lie. */
	private void fail(Batch batch, Exception cause) {
		StoreUnavailableException failed = new StoreUnavailableException(
				"embedded store: cannot write the log in " + this.directory + ": " + cause.getMessage(), cause);
		log.error("embedded store stops serving: log write failed dir={}", this.directory, cause);
		this.writeLock.lock();
		try {
			this.failure = failed;
			batch.done.completeExceptionally(failed);
			this.staging.done.completeExceptionally(failed);
		}
		finally {
			this.writeLock.unlock();
		}
		this.hub.close();
	}

	private void maybeSnapshot() {
		try {
			if (this.wal.activeSize() < this.options.segmentBytes()
					|| !this.snapshotRunning.compareAndSet(false, true)) {
				return;
			}
			long at = this.revision;
			this.wal.rotate(at + 1);
			// Only this thread changes the map, so this copy is exactly revision `at`.
			List<KeyValue> items = new ArrayList<>(this.committed.values());
			this.snapshotter.execute(() -> snapshot(at, items));
		}
		catch (IOException ex) {
			this.snapshotRunning.set(false);
			log.warn("embedded store: cannot rotate the log dir={}; will retry", this.directory, ex);
		}
	}

	private void snapshot(long at, List<KeyValue> items) {
		long started = System.nanoTime();
		try {
			SnapshotFile.write(this.directory, at, items);
			this.wal.deleteSegmentsBefore(at + 1);
			SnapshotFile.deleteBefore(this.directory, at);
			log.info("embedded store snapshot revision={} keys={} durationMs={}", at, items.size(),
					(System.nanoTime() - started) / 1_000_000);
		}
		catch (IOException | RuntimeException ex) {
			log.warn("embedded store: snapshot failed revision={}; the log keeps everything", at, ex);
		}
		finally {
			this.snapshotRunning.set(false);
		}
	}

	// ---- lifecycle

	@Override
	public boolean isAvailable() {
		return !this.closed && this.failure == null;
	}

	private void checkUsable() {
		StoreException failed = this.failure;
		if (failed != null) {
			throw new StoreUnavailableException(failed.getMessage(), failed);
		}
		if (this.closed) {
			throw new StoreUnavailableException("embedded store in " + this.directory + " is closed");
		}
	}

	/** Flushes writes in flight, stops watches and releases the directory. */
	@Override
	public void close() {
		this.writeLock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.batchReady.signal();
		}
		finally {
			this.writeLock.unlock();
		}
		try {
			this.committer.join();
			this.snapshotter.shutdown();
			this.snapshotter.awaitTermination(1, TimeUnit.MINUTES);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.hub.close();
		try {
			this.wal.close();
		}
		catch (IOException ex) {
			log.warn("embedded store: closing the log failed dir={}", this.directory, ex);
		}
		this.lock.close();
	}

	private static void requireKey(String key) {
		if (key == null || key.isEmpty()) {
			throw new IllegalArgumentException("key must not be empty");
		}
	}

	private static byte[] requireValue(byte[] value) {
		if (value == null) {
			throw new IllegalArgumentException("value must not be null");
		}
		return value.clone();
	}

	/**
	 * One group commit: the frames and events staged while the previous group was
	 * fsyncing.
	 */
	private static final class Batch {

		final Buffer bytes = new Buffer();

		final List<Event> events = new ArrayList<>();

		long compactTo;

		final CompletableFuture<Void> done = new CompletableFuture<>();

		boolean isEmpty() {
			return this.events.isEmpty() && this.compactTo == 0;
		}

	}

	/** Exposes its array so a batch reaches the log without another copy. */
	private static final class Buffer extends ByteArrayOutputStream {

		Buffer() {
			super(1 << 14);
		}

		byte[] buffer() {
			return this.buf;
		}

	}

}
