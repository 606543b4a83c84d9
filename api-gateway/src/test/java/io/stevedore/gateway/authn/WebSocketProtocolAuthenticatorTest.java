package io.stevedore.gateway.authn;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.stevedore.client.websocket.BearerTokenProtocol;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's union with the WebSocket subprotocol token last, through the real
 * authentication filter: who the token is, what a malformed one gets, and that the
 * request goes on without the token protocol.
 */
class WebSocketProtocolAuthenticatorTest {

	private static final String EXEC = "/api/v1/namespaces/default/pods/web/exec?command=true&stdout=true";

	private final AtomicReference<ServerHttpRequest> forwarded = new AtomicReference<>();

	private final WebFilterChain chain = (exchange) -> {
		this.forwarded.set(exchange.getRequest());
		return Mono.empty();
	};

	private final AuthenticationFilter filter = new AuthenticationFilter(union());

	private static RequestAuthenticator union() {
		List<Authenticator> authenticators = new java.util.ArrayList<>(List.of(StaticTokenAuthenticator.parse("""
				jane-token,jane,1001,"developers"
				joe-token,joe,1002,"developers"
				""", "tokens")));
		authenticators.add(new WebSocketProtocolAuthenticator(new RequestAuthenticator(authenticators).tokensOnly()));
		return new RequestAuthenticator(authenticators);
	}

	private static MockServerHttpRequest.BaseBuilder<?> upgrade(String... protocols) {
		return MockServerHttpRequest.get(EXEC)
			.header(HttpHeaders.CONNECTION, "Upgrade")
			.header(HttpHeaders.UPGRADE, "websocket")
			.header("Sec-WebSocket-Version", "13")
			.header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
			.header(BearerTokenProtocol.HEADER, protocols);
	}

	private MockServerWebExchange filter(MockServerHttpRequest.BaseBuilder<?> request) {
		MockServerWebExchange exchange = MockServerWebExchange.from(request);
		this.filter.filter(exchange, this.chain).block();
		return exchange;
	}

	@Test
	void aTokenInTheSubprotocolAuthenticatesAndIsTakenOutBeforeTheRequestGoesOn() {
		MockServerWebExchange exchange = filter(
				upgrade("v5.channel.k8s.io, " + BearerTokenProtocol.of("jane-token"), "v4.channel.k8s.io"));

		assertThat(exchange.<UserInfo>getAttribute(AuthenticationFilter.USER).name()).isEqualTo("jane");
		assertThat(this.forwarded.get().getHeaders().get(BearerTokenProtocol.HEADER))
			.containsExactly("v5.channel.k8s.io, v4.channel.k8s.io");
	}

	@Test
	void anAuthorizationHeaderThatAuthenticatesWinsAndTheProtocolIsStillTakenOut() {
		MockServerWebExchange exchange = filter(upgrade("v5.channel.k8s.io, " + BearerTokenProtocol.of("jane-token"))
			.header(HttpHeaders.AUTHORIZATION, "Bearer joe-token"));

		assertThat(exchange.<UserInfo>getAttribute(AuthenticationFilter.USER).name()).isEqualTo("joe");
		assertThat(this.forwarded.get().getHeaders().get(BearerTokenProtocol.HEADER))
			.containsExactly("v5.channel.k8s.io");
	}

	@Test
	void aMalformedOrUnknownTokenIs401WithAStatusAndGoesNoFurther() {
		for (String protocol : List.of(BearerTokenProtocol.PREFIX + "YWJj=", BearerTokenProtocol.PREFIX + "YW+j",
				BearerTokenProtocol.of("nobody-token"))) {
			this.forwarded.set(null);
			MockServerWebExchange exchange = filter(upgrade("v5.channel.k8s.io, " + protocol));

			assertThat(this.forwarded.get()).as(protocol).isNull();
			assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
			assertThat(exchange.getResponse().getBodyAsString().block()).contains("\"kind\":\"Status\"")
				.contains("\"reason\":\"Unauthorized\"")
				.doesNotContain(protocol);
		}
	}

	@Test
	void aTokenProtocolOnAPlainRequestIsNoCredential() {
		MockServerWebExchange exchange = filter(MockServerHttpRequest.get("/api/v1/namespaces/default/pods")
			.header(BearerTokenProtocol.HEADER, "v5.channel.k8s.io, " + BearerTokenProtocol.of("jane-token")));

		assertThat(exchange.<UserInfo>getAttribute(AuthenticationFilter.USER).isAnonymous()).isTrue();
	}

	@Test
	void theFastPathIsNotSentAwayByTheProtocolAuthenticator() {
		RequestAuthenticator union = union();

		assertThat(union.authenticateNow(Authentication.NO_CREDENTIALS, "Bearer jane-token"))
			.isInstanceOf(Authentication.Authenticated.class);
		assertThat(union.authenticateNow(Authentication.NO_CREDENTIALS, null))
			.isEqualTo(new Authentication.Authenticated(UserInfo.ANONYMOUS_USER));
	}

}
