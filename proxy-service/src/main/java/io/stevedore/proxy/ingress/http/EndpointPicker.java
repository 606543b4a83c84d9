package io.stevedore.proxy.ingress.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.stevedore.proxy.ingress.route.Upstream;

/**
 * Round robin over an upstream's ready endpoints, skipping endpoints already tried for
 * the request and those whose circuit breaker is open. One resilience4j breaker per
 * endpoint address: connection failures and timeouts count as failures, any response
 * (whatever its status: the application answered) as a success; enough failures open it,
 * and after {@code openDuration} a few trial requests decide whether it closes.
 */
public final class EndpointPicker {

	private final CircuitBreakerConfig config;

	private final Map<InetSocketAddress, CircuitBreaker> breakers = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> cursors = new ConcurrentHashMap<>();

	/**
	 * @param failureRate percentage of failed calls that opens a breaker
	 * @param window calls in the sliding window (also the minimum before it can open)
	 * @param openDuration how long an open breaker refuses before trial calls
	 */
	public EndpointPicker(float failureRate, int window, Duration openDuration) {
		this.config = CircuitBreakerConfig.custom()
			.failureRateThreshold(failureRate)
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(window)
			.minimumNumberOfCalls(window)
			.waitDurationInOpenState(openDuration)
			.permittedNumberOfCallsInHalfOpenState(Math.max(1, window / 4))
			.automaticTransitionFromOpenToHalfOpenEnabled(false)
			.recordExceptions(Throwable.class)
			.build();
	}

	/** A chosen endpoint and the breaker whose permission it holds. */
	public record Pick(InetSocketAddress endpoint, CircuitBreaker breaker) {
	}

	/**
	 * The next endpoint not in {@code tried} whose breaker permits a call (each endpoint
	 * is tried once per request, as nginx's {@code proxy_next_upstream} does); null when
	 * none is left.
	 */
	public Pick pick(Upstream upstream, List<InetSocketAddress> tried) {
		List<InetSocketAddress> endpoints = upstream.endpoints();
		int n = endpoints.size();
		if (n == 0) {
			return null;
		}
		int start = Math
			.floorMod(this.cursors.computeIfAbsent(upstream.name(), k -> new AtomicInteger()).getAndIncrement(), n);
		for (int i = 0; i < n; i++) {
			InetSocketAddress endpoint = endpoints.get((start + i) % n);
			if (tried.contains(endpoint)) {
				continue;
			}
			CircuitBreaker breaker = breaker(endpoint);
			if (breaker.tryAcquirePermission()) {
				return new Pick(endpoint, breaker);
			}
		}
		return null;
	}

	public CircuitBreaker breaker(InetSocketAddress endpoint) {
		return this.breakers.computeIfAbsent(endpoint,
				e -> CircuitBreaker.of(e.getAddress().getHostAddress() + ":" + e.getPort(), this.config));
	}

	/** Drops breakers and cursors of endpoints and upstreams that are gone. */
	public void retain(java.util.Set<InetSocketAddress> endpoints, java.util.Set<String> upstreams) {
		this.breakers.keySet().retainAll(endpoints);
		this.cursors.keySet().retainAll(upstreams);
	}

}
