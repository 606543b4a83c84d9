package io.stevedore.storage.watch;

import java.util.List;

import io.stevedore.storage.CompactedException;
import io.stevedore.storage.Event;

/**
 * The retained part of a backend's change log, read by watches that start in the past.
 */
public interface EventHistory {

	/**
	 * Up to {@code limit} events with a revision greater than {@code afterRevision}, in
	 * revision order, with no gap.
	 * @throws CompactedException when events after {@code afterRevision} are already gone
	 * @throws io.stevedore.storage.StoreUnavailableException when the log cannot be read
	 * right now (the watch retries)
	 */
	List<Event> eventsAfter(long afterRevision, int limit);

}
