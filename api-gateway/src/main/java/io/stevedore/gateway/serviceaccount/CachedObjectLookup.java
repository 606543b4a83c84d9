package io.stevedore.gateway.serviceaccount;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import reactor.core.publisher.Mono;

/**
 * A short-lived cache of another lookup, for the authenticator: every request with a
 * ServiceAccount token needs its ServiceAccount (and bound pod or secret) checked, and a
 * GET per request would double the apiserver's load. Answers, "not found" included, are
 * kept for {@code ttl}, so a deleted ServiceAccount's tokens are refused at most
 * {@code ttl} later; failures are not kept. Concurrent misses of one key share one GET.
 * <p>
 * Chosen over informers: watching every pod and secret of the cluster would keep all of
 * them (secrets' data included) in the gateway's memory, on every replica, to answer
 * questions about the few that tokens are bound to.
 */
public final class CachedObjectLookup implements ObjectLookup {

	/**
	 * Above this many keys, expired entries are dropped (and all, if that is not enough).
	 */
	static final int MAX_ENTRIES = 10_000;

	private final ObjectLookup delegate;

	private final long ttlNanos;

	private final LongSupplier nanoTime;

	private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

	public CachedObjectLookup(ObjectLookup delegate, Duration ttl) {
		this(delegate, ttl, System::nanoTime);
	}

	CachedObjectLookup(ObjectLookup delegate, Duration ttl, LongSupplier nanoTime) {
		this.delegate = delegate;
		this.ttlNanos = ttl.toNanos();
		this.nanoTime = nanoTime;
	}

	@Override
	public Mono<LiveObject> get(ObjectKind kind, String namespace, String name) {
		if (this.ttlNanos <= 0) {
			return this.delegate.get(kind, namespace, name);
		}
		long now = this.nanoTime.getAsLong();
		Entry entry = this.entries.compute(new Key(kind, namespace, name),
				(key, old) -> (old != null && old.expiresAt - now > 0) ? old : load(key, now));
		if (this.entries.size() > MAX_ENTRIES) {
			this.entries.values().removeIf((candidate) -> candidate.expiresAt - now <= 0);
			if (this.entries.size() > MAX_ENTRIES) {
				this.entries.clear();
			}
		}
		return entry.value.flatMap(Mono::justOrEmpty);
	}

	private Entry load(Key key, long now) {
		Duration ttl = Duration.ofNanos(this.ttlNanos);
		Mono<Optional<LiveObject>> value = this.delegate.get(key.kind, key.namespace, key.name)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.cache((found) -> ttl, (error) -> Duration.ZERO, () -> Duration.ZERO);
		return new Entry(value, now + this.ttlNanos);
	}

	private record Key(ObjectKind kind, String namespace, String name) {
	}

	private record Entry(Mono<Optional<LiveObject>> value, long expiresAt) {
	}

}
