package io.stevedore.storage.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.stevedore.storage.CompactedException;
import io.stevedore.storage.Event;
import io.stevedore.storage.StoreUnavailableException;
import io.stevedore.storage.Watch;

/**
 * One watch: replays the history after its start revision, then delivers live batches,
 * always in revision order and never the same revision twice.
 *
 * <p>
 * Threading: {@link #offer} is called by the publishing thread; delivery runs on this
 * watch's own virtual thread, so a slow consumer delays only itself.
 */
final class Watcher implements Watch {

	private static final Logger log = LoggerFactory.getLogger(Watcher.class);

	static final int REPLAY_PAGE = 1000;

	private static final long MAX_BACKOFF_MILLIS = 1000;

	private final String storeName;

	private final String prefix;

	private final Consumer<List<Event>> consumer;

	private final EventHistory history;

	private final Consumer<Watcher> onClose;

	private final LinkedBlockingQueue<List<Event>> live = new LinkedBlockingQueue<>();

	/** The highest revision already delivered or skipped by the prefix filter. */
	private long scanned;

	private volatile boolean closed;

	private Thread thread;

	Watcher(String storeName, String prefix, long afterRevision, Consumer<List<Event>> consumer, EventHistory history,
			Consumer<Watcher> onClose) {
		this.storeName = storeName;
		this.prefix = (prefix != null) ? prefix : "";
		this.scanned = afterRevision;
		this.consumer = consumer;
		this.history = history;
		this.onClose = onClose;
	}

	void start() {
		this.thread = Thread.ofVirtual().name("watch-" + this.storeName + "-" + this.prefix).start(this::run);
	}

	void offer(List<Event> batch) {
		if (!this.closed) {
			this.live.add(batch);
		}
	}

	private void run() {
		try {
			catchUp();
			while (!this.closed) {
				List<Event> batch = this.live.take();
				if (batch.getLast().revision() <= this.scanned) {
					continue;
				}
				if (batch.getFirst().revision() > this.scanned + 1) {
					// Not expected while publishing is contiguous; the history fills any
					// hole.
					catchUp();
				}
				deliver(batch);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (CompactedException ex) {
			log.warn("watch ended: its history was compacted before delivery store={} prefix={} scanned={}: {}",
					this.storeName, this.prefix, this.scanned, ex.getMessage());
		}
		catch (RuntimeException ex) {
			log.error("watch ended: its consumer failed store={} prefix={} scanned={}", this.storeName, this.prefix,
					this.scanned, ex);
		}
		finally {
			close();
		}
	}

	/**
	 * Delivers the history after {@link #scanned}, page by page, until it is exhausted.
	 */
	private void catchUp() throws InterruptedException {
		long backoff = 50;
		while (!this.closed) {
			List<Event> page;
			try {
				page = this.history.eventsAfter(this.scanned, REPLAY_PAGE);
				backoff = 50;
			}
			catch (StoreUnavailableException ex) {
				log.debug("watch replay waits for the store store={} prefix={}: {}", this.storeName, this.prefix,
						ex.getMessage());
				Thread.sleep(backoff);
				backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
				continue;
			}
			deliver(page);
			if (page.size() < REPLAY_PAGE) {
				return;
			}
		}
	}

	private void deliver(List<Event> events) {
		List<Event> selected = new ArrayList<>();
		long last = this.scanned;
		for (Event event : events) {
			long revision = event.revision();
			if (revision <= last) {
				continue;
			}
			last = revision;
			if (event.kv().key().startsWith(this.prefix)) {
				selected.add(event);
			}
		}
		this.scanned = last;
		if (!selected.isEmpty() && !this.closed) {
			this.consumer.accept(List.copyOf(selected));
		}
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.live.clear();
		this.onClose.accept(this);
		if (this.thread != null && Thread.currentThread() != this.thread) {
			this.thread.interrupt();
		}
	}

}
