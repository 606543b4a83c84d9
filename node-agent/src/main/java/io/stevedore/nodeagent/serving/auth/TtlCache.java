package io.stevedore.nodeagent.serving.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers kept for a while, as the kubelet's webhook caches keep TokenReview and
 * SubjectAccessReview answers. Bounded: past {@code capacity} entries the expired ones
 * go, then everything (a burst of distinct callers costs reviews, not memory).
 */
final class TtlCache<K, V> {

	private record Entry<V>(V value, Instant expires) {
	}

	private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

	private final Clock clock;

	private final int capacity;

	TtlCache(Clock clock, int capacity) {
		this.clock = clock;
		this.capacity = capacity;
	}

	/** The value kept for {@code key}, or null when none or expired. */
	V get(K key) {
		Entry<V> entry = this.entries.get(key);
		if (entry == null) {
			return null;
		}
		if (!this.clock.instant().isBefore(entry.expires())) {
			this.entries.remove(key, entry);
			return null;
		}
		return entry.value();
	}

	void put(K key, V value, Duration ttl) {
		if (ttl.isZero() || ttl.isNegative()) {
			return;
		}
		if (this.entries.size() >= this.capacity) {
			Instant now = this.clock.instant();
			this.entries.values().removeIf((entry) -> !now.isBefore(entry.expires()));
			if (this.entries.size() >= this.capacity) {
				this.entries.clear();
			}
		}
		this.entries.put(key, new Entry<>(value, this.clock.instant().plus(ttl)));
	}

	int size() {
		return this.entries.size();
	}

}
