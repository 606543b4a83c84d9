package io.stevedore.apiserver.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.stevedore.machinery.registry.ResourceType;

/**
 * One client's watch on the cache. The cache's ingest thread only offers raw events
 * (never blocks); the client's own thread filters them with selectors and turns a state
 * change across the selector boundary into ADDED or DELETED, as Kubernetes does.
 *
 * <p>
 * A watcher whose queue overflows is terminated: the client re-watches from its last
 * resourceVersion, which is cheaper for everybody than an unbounded queue. The queue is
 * linked, not an array: an idle cluster holds a hundred-odd watches whose queues are
 * nearly always empty, and an array of the full capacity for each was tens of megabytes
 * of heap doing nothing.
 */
public final class Watcher implements AutoCloseable {

	private final ResourceType type;

	private final String keyPrefix;

	private final WatchFilter filter;

	private final BlockingQueue<CachedEvent> queue;

	private final Consumer<Watcher> onClose;

	/** Every event up to this revision has been offered; set by the ingest thread. */
	private volatile long offeredRevision;

	private volatile boolean terminated;

	/**
	 * Not an event: put in the queue to end a blocked poll when the watcher is
	 * terminated.
	 */
	private static final CachedEvent WAKE_UP = new CachedEvent(-1, CachedEvent.Type.ADDED, null, null);

	Watcher(ResourceType type, String keyPrefix, WatchFilter filter, int capacity, Consumer<Watcher> onClose) {
		this.type = type;
		this.keyPrefix = keyPrefix;
		this.filter = filter;
		this.queue = new LinkedBlockingQueue<>(capacity);
		this.onClose = onClose;
	}

	ResourceType type() {
		return this.type;
	}

	void offer(CachedEvent event) {
		if (this.terminated || !event.object().key().startsWith(this.keyPrefix)) {
			return;
		}
		if (!this.queue.offer(event)) {
			this.terminated = true;
		}
	}

	void advanceTo(long revision) {
		this.offeredRevision = revision;
	}

	void terminate() {
		this.terminated = true;
		// Wake a client thread blocked in poll(); if the queue is full it is not blocked.
		this.queue.offer(WAKE_UP);
	}

	/** Whether the cache gave up on this watcher (overflow or shutdown). */
	public boolean isTerminated() {
		return this.terminated;
	}

	/**
	 * Waits up to {@code maxWaitMillis} for events and returns those that concern this
	 * client, already translated for its selectors; empty when none came.
	 */
	public List<CachedEvent> poll(long maxWaitMillis) throws InterruptedException {
		List<CachedEvent> raw = new ArrayList<>();
		CachedEvent first = this.queue.poll(maxWaitMillis, TimeUnit.MILLISECONDS);
		if (first == null) {
			return List.of();
		}
		raw.add(first);
		this.queue.drainTo(raw, 4096);
		List<CachedEvent> result = new ArrayList<>(raw.size());
		for (CachedEvent event : raw) {
			if (event == WAKE_UP) {
				continue;
			}
			CachedEvent translated = translate(event);
			if (translated != null) {
				result.add(translated);
			}
		}
		return result;
	}

	/**
	 * The revision up to which this watcher has seen everything, when its queue is empty:
	 * a safe BOOKMARK. Reads the offered revision before checking the queue, so no event
	 * at or below it can still be waiting.
	 */
	public long bookmarkRevision() {
		long offered = this.offeredRevision;
		return this.queue.isEmpty() ? offered : -1;
	}

	private CachedEvent translate(CachedEvent event) {
		boolean now = event.type() != CachedEvent.Type.DELETED && this.filter.matches(event.object());
		boolean before = event.previous() != null && this.filter.matches(event.previous());
		return switch (event.type()) {
			case ADDED -> now ? event : null;
			case DELETED -> before || this.filter.matches(event.object()) ? event : null;
			case MODIFIED -> {
				if (now && before) {
					yield event;
				}
				if (now) {
					yield new CachedEvent(event.revision(), CachedEvent.Type.ADDED, event.object(), null);
				}
				if (before) {
					yield new CachedEvent(event.revision(), CachedEvent.Type.DELETED, event.object(), event.previous());
				}
				yield null;
			}
		};
	}

	@Override
	public void close() {
		this.terminated = true;
		this.onClose.accept(this);
	}

}
