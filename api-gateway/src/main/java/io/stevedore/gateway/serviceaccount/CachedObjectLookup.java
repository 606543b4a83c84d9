package io.stevedore.gateway.serviceaccount;

import java.time.Duration;
import java.util.function.LongSupplier;

import io.stevedore.gateway.cache.ShortLivedCache;
import reactor.core.publisher.Mono;

/**
 * A short-lived cache of another lookup, for the authenticator: every request with a
 * ServiceAccount token needs its ServiceAccount (and bound pod or secret) checked, and a
 * GET per request would double the apiserver's load. Answers, "not found" included, are
 * kept for {@code ttl}, so a deleted ServiceAccount's tokens are refused at most
 * {@code ttl} later; failures are not kept ({@link ShortLivedCache}).
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

	private final boolean off;

	private final ShortLivedCache<Key, LiveObject> cache;

	public CachedObjectLookup(ObjectLookup delegate, Duration ttl) {
		this(delegate, ttl, System::nanoTime);
	}

	CachedObjectLookup(ObjectLookup delegate, Duration ttl, LongSupplier nanoTime) {
		this.delegate = delegate;
		this.off = ttl.toNanos() <= 0;
		this.cache = new ShortLivedCache<>((key) -> delegate.get(key.kind, key.namespace, key.name), ttl, MAX_ENTRIES,
				nanoTime);
	}

	@Override
	public Mono<LiveObject> get(ObjectKind kind, String namespace, String name) {
		return this.off ? this.delegate.get(kind, namespace, name) : this.cache.get(new Key(kind, namespace, name));
	}

	private record Key(ObjectKind kind, String namespace, String name) {
	}

}
