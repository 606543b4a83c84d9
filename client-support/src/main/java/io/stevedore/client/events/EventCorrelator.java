package io.stevedore.client.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;

/**
 * client-go's {@code EventCorrelator}, per recorder: an event identical to one recorded
 * before (same object, type, reason and message) becomes a count increment of the stored
 * one; more than {@link #MAX_SIMILAR} different messages of the same reason about the
 * same object within {@link #AGGREGATE_WINDOW} are combined into one event; and each
 * object may have at most {@link #SPAM_BURST} events, then one per {@link #SPAM_REFILL}
 * (the spam filter), so a failing controller cannot flood the apiserver. Threading:
 * synchronized; callers are sync workers.
 */
public final class EventCorrelator {

	/** client-go's defaultAggregateMaxEvents. */
	static final int MAX_SIMILAR = 10;

	/** client-go's defaultAggregateIntervalInSeconds. */
	static final Duration AGGREGATE_WINDOW = Duration.ofMinutes(10);

	/** client-go's defaultSpamBurst and defaultSpamQPS (1/300). */
	static final int SPAM_BURST = 25;

	static final Duration SPAM_REFILL = Duration.ofMinutes(5);

	/** client-go's maxLruCacheEntries. */
	static final int CACHE_SIZE = 4096;

	static final String COMBINED_PREFIX = "(combined from similar events): ";

	/**
	 * What to do with an event.
	 *
	 * @param event the event to write: new, or the stored one with its count raised
	 * @param update whether {@code event} already exists and is to be patched
	 * @param skip whether the spam filter dropped it
	 */
	public record Result(Event event, boolean update, boolean skip) {
	}

	private record Similar(Set<String> messages, Instant first) {
	}

	private record Bucket(double tokens, Instant at) {
	}

	private final Clock clock;

	private final Map<String, Similar> similar = lru();

	private final Map<String, Event> seen = lru();

	private final Map<String, Bucket> buckets = lru();

	public EventCorrelator(Clock clock) {
		this.clock = clock;
	}

	public synchronized Result correlate(Event event) {
		Instant now = this.clock.instant();
		if (!allow(spamKey(event), now)) {
			return new Result(event, false, true);
		}
		Event aggregated = aggregate(event, now);
		// Combined events are one stored event whatever their latest message.
		String key = aggregated == event ? key(event, event.getMessage()) : key(event, COMBINED_PREFIX);
		Event previous = this.seen.get(key);
		if (previous == null) {
			this.seen.put(key, aggregated);
			return new Result(aggregated, false, false);
		}
		// The stored event, its count one higher (client-go's eventObserve).
		Event next = new io.fabric8.kubernetes.api.model.EventBuilder(previous)
			.withCount((previous.getCount() == null ? 1 : previous.getCount()) + 1)
			.withLastTimestamp(aggregated.getLastTimestamp())
			.withMessage(aggregated.getMessage())
			.build();
		this.seen.put(key, next);
		return new Result(next, true, false);
	}

	/** The event as is, or the combined one once too many similar messages came. */
	private Event aggregate(Event event, Instant now) {
		String key = key(event, null);
		Similar record = this.similar.get(key);
		if (record == null || Duration.between(record.first(), now).compareTo(AGGREGATE_WINDOW) > 0) {
			record = new Similar(new HashSet<>(), now);
			this.similar.put(key, record);
		}
		record.messages().add(event.getMessage());
		if (record.messages().size() < MAX_SIMILAR) {
			return event;
		}
		return new io.fabric8.kubernetes.api.model.EventBuilder(event).withMessage(COMBINED_PREFIX + event.getMessage())
			.build();
	}

	/** A token bucket per object, refilled lazily from the time of its last use. */
	private boolean allow(String key, Instant now) {
		Bucket bucket = this.buckets.getOrDefault(key, new Bucket(SPAM_BURST, now));
		double refill = (double) Duration.between(bucket.at(), now).toMillis() / SPAM_REFILL.toMillis();
		double tokens = Math.min(SPAM_BURST, bucket.tokens() + Math.max(0, refill));
		if (tokens < 1) {
			this.buckets.put(key, new Bucket(tokens, now));
			return false;
		}
		this.buckets.put(key, new Bucket(tokens - 1, now));
		return true;
	}

	private static String spamKey(Event event) {
		ObjectReference ref = event.getInvolvedObject();
		return String.join("\u0000", component(event), ref.getKind(), ref.getNamespace(), ref.getName(), ref.getUid(),
				ref.getApiVersion(), String.valueOf(event.getType()));
	}

	/** The aggregate key (message null) or the dedup key (with the message). */
	private static String key(Event event, String message) {
		ObjectReference ref = event.getInvolvedObject();
		return String.join("\u0000", component(event), ref.getKind(), ref.getNamespace(), ref.getName(), ref.getUid(),
				ref.getApiVersion(), String.valueOf(event.getType()), String.valueOf(event.getReason()),
				String.valueOf(message));
	}

	private static String component(Event event) {
		return event.getSource() == null ? "" : String.valueOf(event.getSource().getComponent());
	}

	private static <V> Map<String, V> lru() {
		return new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
				return size() > CACHE_SIZE;
			}
		};
	}

}
