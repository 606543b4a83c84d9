package io.stevedore.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * The apiserver replicas, chosen round-robin among the available ones. Thread-safe.
 */
public final class UpstreamPool {

	private final List<Upstream> upstreams;

	private final AtomicInteger next = new AtomicInteger();

	public UpstreamPool(List<URI> urls, CircuitBreakerRegistry breakers) {
		this.upstreams = urls.stream()
			.map((url) -> new Upstream(url, breakers.circuitBreaker(url.toString())))
			.toList();
	}

	/**
	 * Breakers that open after half of at least 10 calls failed to connect or time out,
	 * and probe again after 5 s. Slow calls do not count: a call ends when the response
	 * headers arrive, so watches are as fast as any GET here.
	 */
	public static CircuitBreakerRegistry defaultBreakers() {
		return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.slidingWindowSize(20)
			.minimumNumberOfCalls(10)
			.failureRateThreshold(50)
			.waitDurationInOpenState(Duration.ofSeconds(5))
			.permittedNumberOfCallsInHalfOpenState(2)
			.build());
	}

	public List<Upstream> all() {
		return this.upstreams;
	}

	/**
	 * The next available replica. When none is ready, any whose breaker lets calls
	 * through (failing open, as Envoy's panic threshold does: readiness probes can all be
	 * wrong at once, a replica that really is down trips its breaker); empty when every
	 * breaker is open.
	 */
	public Optional<Upstream> choose() {
		int size = this.upstreams.size();
		int start = Math.floorMod(this.next.getAndIncrement(), size);
		Upstream fallback = null;
		for (int i = 0; i < size; i++) {
			Upstream candidate = this.upstreams.get((start + i) % size);
			if (candidate.isAvailable()) {
				return Optional.of(candidate);
			}
			if (fallback == null && candidate.breakerPermits()) {
				fallback = candidate;
			}
		}
		return Optional.ofNullable(fallback);
	}

}
