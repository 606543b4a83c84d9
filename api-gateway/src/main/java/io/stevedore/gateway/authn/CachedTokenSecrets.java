package io.stevedore.gateway.authn;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.fabric8.kubernetes.api.model.Secret;
import io.stevedore.gateway.cache.ShortLivedCache;
import reactor.core.publisher.Mono;

/**
 * The bootstrap token Secrets the {@link BootstrapTokenAuthenticator} reads, kept for a
 * short {@code ttl} so a node agent's requests do not cost one GET each. What this
 * bounds: a token whose Secret is deleted or changed is still accepted for at most
 * {@code ttl} (5 s as wired); a token's {@code expiration} is checked against the clock
 * on every request, so expiry is exact. "Not found" is kept too (a guessed token costs
 * one GET per {@code ttl}), failures are not ({@link ShortLivedCache}).
 * <p>
 * Chosen over an informer on kube-system Secrets: the few token Secrets are read only
 * while nodes bootstrap, and a watch would hold every kube-system Secret's data in each
 * gateway replica's memory all the time.
 */
public final class CachedTokenSecrets implements Function<String, Mono<Secret>> {

	public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

	/** Above this many names, expired entries are dropped (and all, if not enough). */
	static final int MAX_ENTRIES = 1_000;

	private final ShortLivedCache<String, Secret> cache;

	public CachedTokenSecrets(Function<String, Mono<Secret>> delegate, Duration ttl) {
		this(delegate, ttl, System::nanoTime);
	}

	CachedTokenSecrets(Function<String, Mono<Secret>> delegate, Duration ttl, LongSupplier nanoTime) {
		this.cache = new ShortLivedCache<>(delegate, ttl, MAX_ENTRIES, nanoTime);
	}

	@Override
	public Mono<Secret> apply(String name) {
		return this.cache.get(name);
	}

}
