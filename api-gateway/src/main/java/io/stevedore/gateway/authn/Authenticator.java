package io.stevedore.gateway.authn;

import reactor.core.publisher.Mono;

import org.springframework.http.server.reactive.ServerHttpRequest;

/** One way of proving an identity (client certificate, bearer token ...). */
public interface Authenticator {

	Authentication authenticate(ServerHttpRequest request);

	/**
	 * The same, for the request pipeline: authenticators that must look something up
	 * (ServiceAccount tokens) answer without blocking the event loop.
	 */
	default Mono<Authentication> authenticateLater(ServerHttpRequest request) {
		return Mono.fromSupplier(() -> authenticate(request));
	}

	/**
	 * The decision on a request's bearer token (null when it has none) from what this
	 * authenticator holds in memory, for the gateway's fast path on the event loop; null
	 * when that would need a lookup (the caller then takes the reactive path). Client
	 * certificates are {@link RequestAuthenticator#certificate}'s.
	 */
	default Authentication authenticateNow(String bearerToken) {
		return null;
	}

}
