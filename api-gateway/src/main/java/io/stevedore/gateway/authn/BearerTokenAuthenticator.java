package io.stevedore.gateway.authn;

import reactor.core.publisher.Mono;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * An authenticator of bearer tokens that may have to look something up: a request without
 * a bearer token carries no credential of its kind.
 */
public interface BearerTokenAuthenticator extends Authenticator {

	/** The decision on one token, without blocking. */
	Mono<Authentication> authenticate(String token);

	/** Blocks on the lookups: for callers off the event loop only (tests). */
	@Override
	default Authentication authenticate(ServerHttpRequest request) {
		return authenticateLater(request).block();
	}

	@Override
	default Mono<Authentication> authenticateLater(ServerHttpRequest request) {
		String token = BearerToken.of(request);
		return token == null ? Mono.just(Authentication.NO_CREDENTIALS) : authenticate(token);
	}

}
