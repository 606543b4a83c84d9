package io.stevedore.storage.watch;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.stevedore.storage.Event;
import io.stevedore.storage.Watch;

/**
 * Fans the live change log of one store out to its watches.
 *
 * <pre>
 *  backend (writer / stream reader) --publish(batch)--> WatchHub --offer--> Watcher queue
 *                                                                            |
 *  EventHistory (ring / XRANGE) <---------- replay from afterRevision -------+--> consumer
 * </pre>
 *
 * A watch is registered before it replays, so every event published after registration
 * reaches its queue; the replay covers everything published before. The watcher drops
 * what it has already delivered, which makes the hand-over gap-free and duplicate-free.
 *
 * <p>
 * Threading: {@link #publish} must be called by one thread at a time, in revision order,
 * with contiguous batches; everything else is thread-safe.
 */
public final class WatchHub implements AutoCloseable {

	private final EventHistory history;

	private final String storeName;

	private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();

	public WatchHub(String storeName, EventHistory history) {
		this.storeName = storeName;
		this.history = history;
	}

	/**
	 * Starts a watch; the caller has already checked {@code afterRevision} against
	 * compaction.
	 */
	public Watch watch(String prefix, long afterRevision, Consumer<List<Event>> consumer) {
		Watcher watcher = new Watcher(this.storeName, prefix, afterRevision, consumer, this.history,
				this.watchers::remove);
		this.watchers.add(watcher);
		watcher.start();
		return watcher;
	}

	/** Hands a batch of newly durable events to every watch. */
	public void publish(List<Event> events) {
		if (events.isEmpty()) {
			return;
		}
		List<Event> batch = List.copyOf(events);
		for (Watcher watcher : this.watchers) {
			watcher.offer(batch);
		}
	}

	public int watchCount() {
		return this.watchers.size();
	}

	@Override
	public void close() {
		for (Watcher watcher : this.watchers) {
			watcher.close();
		}
	}

}
