package io.stevedore.gateway.routing;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class WatchUpgradeFilterTest {

	private final AtomicReference<ServerHttpRequest> forwarded = new AtomicReference<>();

	private final GatewayFilterChain chain = (exchange) -> {
		this.forwarded.set(exchange.getRequest());
		return Mono.empty();
	};

	private static MockServerHttpRequest upgrade(String path) {
		return MockServerHttpRequest.get(path)
			.header(HttpHeaders.UPGRADE, "websocket")
			.header(HttpHeaders.CONNECTION, "Upgrade")
			.header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
			.header("Sec-WebSocket-Version", "13")
			.build();
	}

	@ParameterizedTest(name = "{0} is answered 503, fabric8's cue for an HTTP watch")
	@ValueSource(strings = { "/api/v1/pods?watch=true&resourceVersion=5",
			"/apis/apps/v1/namespaces/a/deployments?watch=1", "/api/v1/watch/namespaces/a/pods" })
	void aWebSocketWatchIsAnswered503WithoutGoingUpstream(String path) {
		MockServerWebExchange exchange = MockServerWebExchange.from(upgrade(path));
		new WatchUpgradeFilter().filter(exchange, this.chain).block();

		assertThat(this.forwarded.get()).isNull();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(exchange.getResponse().getBodyAsString().block()).contains("\"kind\":\"Status\"")
			.contains("\"reason\":\"ServiceUnavailable\"")
			.contains(WatchUpgradeFilter.MESSAGE);
	}

	@ParameterizedTest(name = "{0} stays a WebSocket")
	@ValueSource(strings = { "/api/v1/namespaces/a/pods/p/exec?command=ls", "/api/v1/namespaces/a/pods/p/attach",
			"/api/v1/namespaces/a/pods/p/portforward?ports=80" })
	void podStreamsStayWebSockets(String path) {
		new WatchUpgradeFilter().filter(MockServerWebExchange.from(upgrade(path)), this.chain).block();

		assertThat(this.forwarded.get().getHeaders().getUpgrade()).isEqualTo("websocket");
		assertThat(this.forwarded.get().getHeaders().getFirst("Sec-WebSocket-Key")).isNotNull();
	}

	@Test
	void aPlainRequestIsUntouched() {
		MockServerHttpRequest request = MockServerHttpRequest.get("/api/v1/pods?watch=true")
			.header(HttpHeaders.CONNECTION, "keep-alive")
			.build();
		new WatchUpgradeFilter().filter(MockServerWebExchange.from(request), this.chain).block();

		assertThat(this.forwarded.get()).isSameAs(request);
	}

}
