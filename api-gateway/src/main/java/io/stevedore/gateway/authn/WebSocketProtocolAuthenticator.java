package io.stevedore.gateway.authn;

import io.stevedore.client.websocket.BearerTokenProtocol;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * Kubernetes' websocket protocol authenticator: a WebSocket upgrade (exec, attach,
 * port-forward; a watch is then answered 503) may carry its bearer token as the
 * subprotocol {@code base64url.bearer.authorization.k8s.io.<token>}, for browsers, which
 * cannot set an Authorization header there. The token goes through the same token
 * authenticators as a header token; a malformed one is refused (401). Last in the union,
 * as in kube-apiserver, so a client certificate or a header token that authenticates
 * wins. {@link #withoutToken} takes the protocol out of the request before it goes on, so
 * it is never relayed nor chosen as the stream's protocol.
 */
public final class WebSocketProtocolAuthenticator implements Authenticator {

	private final RequestAuthenticator tokens;

	/**
	 * @param tokens the bearer token authenticators (the union without client
	 * certificates)
	 */
	public WebSocketProtocolAuthenticator(RequestAuthenticator tokens) {
		this.tokens = tokens;
	}

	@Override
	public Authentication authenticate(ServerHttpRequest request) {
		return authenticateLater(request).block();
	}

	@Override
	public Mono<Authentication> authenticateLater(ServerHttpRequest request) {
		BearerTokenProtocol.Offer offer = offer(request);
		if (offer == null) {
			return Mono.just(Authentication.NO_CREDENTIALS);
		}
		if (offer.error() != null) {
			return Mono.just(new Authentication.Rejected(offer.error()));
		}
		if (offer.token() == null) {
			return Mono.just(Authentication.NO_CREDENTIALS);
		}
		ServerHttpRequest alone = request.mutate().headers((headers) -> {
			headers.clear();
			headers.setBearerAuth(offer.token());
		}).build();
		return this.tokens.authenticateLater(alone)
			.map((result) -> result instanceof Authentication.Authenticated authenticated
					&& authenticated.user().isAnonymous() ? new Authentication.Rejected("invalid bearer token")
							: result);
	}

	/** The fast path takes no upgrade, so no request it sees carries the protocol. */
	@Override
	public Authentication authenticateNow(String bearerToken) {
		return Authentication.NO_CREDENTIALS;
	}

	/**
	 * The exchange with the token protocol taken out of {@code Sec-WebSocket-Protocol}
	 * (the same exchange when it carries none).
	 */
	public static ServerWebExchange withoutToken(ServerWebExchange exchange) {
		BearerTokenProtocol.Offer offer = offer(exchange.getRequest());
		if (offer == null) {
			return exchange;
		}
		return exchange.mutate().request((request) -> request.headers((headers) -> {
			headers.remove(BearerTokenProtocol.HEADER);
			if (offer.header() != null) {
				headers.set(BearerTokenProtocol.HEADER, offer.header());
			}
		})).build();
	}

	/** What a WebSocket upgrade offers when it carries a token protocol; else null. */
	private static BearerTokenProtocol.Offer offer(ServerHttpRequest request) {
		HttpHeaders headers = request.getHeaders();
		if (!BearerTokenProtocol.isWebSocketUpgrade(headers.getOrEmpty(HttpHeaders.CONNECTION), headers.getUpgrade())) {
			return null;
		}
		BearerTokenProtocol.Offer offer = BearerTokenProtocol.parse(headers.getOrEmpty(BearerTokenProtocol.HEADER));
		return offer.carried() ? offer : null;
	}

}
