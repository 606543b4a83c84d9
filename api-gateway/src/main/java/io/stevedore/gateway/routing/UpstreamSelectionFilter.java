package io.stevedore.gateway.routing;

import java.net.URI;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Status;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.stevedore.gateway.status.StatusResponses;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

/**
 * Resolves the route's {@code apiserver://} URI to one available replica and runs the
 * call through that replica's circuit breaker. Runs where Spring Cloud's load-balancer
 * filter would (after the URL is built, before the Netty routing filter), and again on
 * each retry, so a retried read goes to the next replica.
 */
public final class UpstreamSelectionFilter implements GlobalFilter, Ordered {

	/** The scheme of route URIs this filter resolves. */
	public static final String SCHEME = "apiserver";

	/** Same slot as Spring Cloud Gateway's ReactiveLoadBalancerClientFilter. */
	private static final int ORDER = 10150;

	private final UpstreamPool pool;

	public UpstreamSelectionFilter(UpstreamPool pool) {
		this.pool = pool;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		URI url = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
		if (url == null || !SCHEME.equals(url.getScheme())) {
			return chain.filter(exchange);
		}
		if (exchange.getResponse().isCommitted()) {
			// The route's retry filter runs the chain again for a 503, this filter's own
			// "every breaker open" answer included, which is written already: nothing is
			// left to forward to, and writing it again would throw.
			return Mono.empty();
		}
		Optional<Upstream> chosen = this.pool.choose();
		if (chosen.isEmpty()) {
			return unavailable(exchange);
		}
		Upstream upstream = chosen.get();
		URI target = UriComponentsBuilder.fromUri(url)
			.scheme(upstream.url().getScheme())
			.host(upstream.url().getHost())
			.port(upstream.url().getPort())
			.build(true)
			.toUri();
		exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, target);
		return chain.filter(exchange)
			.transformDeferred(CircuitBreakerOperator.of(upstream.circuitBreaker()))
			.onErrorResume(CallNotPermittedException.class, (ex) -> unavailable(exchange));
	}

	private static Mono<Void> unavailable(ServerWebExchange exchange) {
		return StatusResponses.write(exchange.getResponse(), unavailable());
	}

	/** The 503 when every replica's breaker is open. */
	public static Status unavailable() {
		return StatusResponses.failure(503, "ServiceUnavailable",
				"no apiserver is available: the circuit breaker of every replica is open", null);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
