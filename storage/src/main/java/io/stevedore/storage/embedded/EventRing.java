package io.stevedore.storage.embedded;

import java.util.ArrayList;
import java.util.List;

import io.stevedore.storage.CompactedException;
import io.stevedore.storage.Event;

/**
 * The embedded store's watch history: the newest events, at most {@code capacity}, which
 * always hold exactly the revisions {@code (compactedRevision, compactedRevision + size]}
 * because every revision is one event. Adding to a full ring compacts its oldest event.
 *
 * <p>
 * Threading: not thread-safe; the store guards it with its state lock.
 */
final class EventRing {

	private final Event[] events;

	private int head;

	private int size;

	private long compactedRevision;

	EventRing(int capacity, long compactedRevision) {
		this.events = new Event[capacity];
		this.compactedRevision = compactedRevision;
	}

	long compactedRevision() {
		return this.compactedRevision;
	}

	int size() {
		return this.size;
	}

	void add(Event event) {
		long expected = this.compactedRevision + this.size + 1;
		if (event.revision() != expected) {
			throw new IllegalStateException("event ring: expected revision " + expected + ", got " + event.revision());
		}
		if (this.size == this.events.length) {
			dropOldest();
		}
		this.events[(this.head + this.size) % this.events.length] = event;
		this.size++;
	}

	/** Forgets every event up to and including {@code revision}. */
	void compact(long revision) {
		while (this.size > 0 && this.events[this.head].revision() <= revision) {
			dropOldest();
		}
		if (revision > this.compactedRevision) {
			this.compactedRevision = revision;
		}
	}

	private void dropOldest() {
		this.compactedRevision = this.events[this.head].revision();
		this.events[this.head] = null;
		this.head = (this.head + 1) % this.events.length;
		this.size--;
	}

	List<Event> eventsAfter(long afterRevision, int limit) {
		if (afterRevision < this.compactedRevision) {
			throw new CompactedException(
					"revision " + afterRevision + " is compacted (oldest available: " + this.compactedRevision + ")");
		}
		long skip = afterRevision - this.compactedRevision;
		if (skip >= this.size) {
			return List.of();
		}
		int count = (int) Math.min(limit, this.size - skip);
		List<Event> page = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			page.add(this.events[(int) ((this.head + skip + i) % this.events.length)]);
		}
		return page;
	}

}
