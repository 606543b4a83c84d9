package io.stevedore.gateway.routing;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

class UpstreamSelectionFilterTest {

	private static final URI ROUTE = URI.create("apiserver://apiserver/api/v1/pods");

	/**
	 * Every breaker open: the gateway answers 503 itself. The route's retry filter
	 * retries reads on a 503 and runs the chain again on the same exchange; the second
	 * run must leave the written answer alone (writing it again threw "response already
	 * committed" under load, once per retry) and must not forward anything.
	 */
	@Test
	void aRetryAfterTheGatewaysOwn503LeavesTheWrittenAnswerAsItIs() {
		UpstreamPool pool = new UpstreamPool(List.of(URI.create("http://127.0.0.1:1")), UpstreamPool.defaultBreakers());
		pool.all().get(0).circuitBreaker().transitionToOpenState();
		UpstreamSelectionFilter filter = new UpstreamSelectionFilter(pool);
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods"));
		AtomicInteger forwarded = new AtomicInteger();
		GatewayFilterChain chain = (ex) -> {
			forwarded.incrementAndGet();
			return Mono.empty();
		};

		exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, ROUTE);
		filter.filter(exchange, chain).block();
		exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, ROUTE);
		assertThatCode(() -> filter.filter(exchange, chain).block()).doesNotThrowAnyException();

		assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(503);
		assertThat(exchange.getResponse().getBodyAsString().block()).contains("\"reason\":\"ServiceUnavailable\"")
			.contains("the circuit breaker of every replica is open");
		assertThat(forwarded).hasValue(0);
	}

}
