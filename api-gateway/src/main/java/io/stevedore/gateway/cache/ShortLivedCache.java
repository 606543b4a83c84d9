package io.stevedore.gateway.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

import reactor.core.publisher.Mono;

/**
 * Answers of a reactive lookup kept for a short {@code ttl}: "not found" (an empty Mono)
 * is kept too, failures are not, and concurrent misses of one key share one load. Above
 * {@code maxEntries} keys, expired entries are dropped (and all, if that is not enough).
 * For what the authenticators read per request (bootstrap token Secrets, a token's
 * ServiceAccount and bound object), where an informer would hold far more than the few
 * objects asked about.
 * <p>
 * Threading: safe for concurrent use.
 */
public final class ShortLivedCache<K, V> {

	private final Function<K, Mono<V>> loader;

	private final long ttlNanos;

	private final int maxEntries;

	private final LongSupplier nanoTime;

	private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();

	public ShortLivedCache(Function<K, Mono<V>> loader, Duration ttl, int maxEntries, LongSupplier nanoTime) {
		this.loader = loader;
		this.ttlNanos = ttl.toNanos();
		this.maxEntries = maxEntries;
		this.nanoTime = nanoTime;
	}

	public Mono<V> get(K key) {
		long now = this.nanoTime.getAsLong();
		Entry<V> entry = this.entries.compute(key,
				(k, old) -> (old != null && old.expiresAt - now > 0) ? old : load(k, now));
		if (this.entries.size() > this.maxEntries) {
			this.entries.values().removeIf((candidate) -> candidate.expiresAt - now <= 0);
			if (this.entries.size() > this.maxEntries) {
				this.entries.clear();
			}
		}
		return entry.value.flatMap(Mono::justOrEmpty);
	}

	private Entry<V> load(K key, long now) {
		Duration ttl = Duration.ofNanos(this.ttlNanos);
		Mono<Optional<V>> value = this.loader.apply(key)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.cache((found) -> ttl, (error) -> Duration.ZERO, () -> Duration.ZERO);
		return new Entry<>(value, now + this.ttlNanos);
	}

	private record Entry<V>(Mono<Optional<V>> value, long expiresAt) {
	}

}
