package io.stevedore.gateway.authn;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** The {@code Authorization: Bearer} credential of a request. */
final class BearerToken {

	private BearerToken() {
	}

	/** The token, or null when the request carries none. */
	static String of(ServerHttpRequest request) {
		return parse(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
	}

	/** The token of an {@code Authorization} header value, or null. */
	static String parse(String header) {
		if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		String token = header.substring(7).strip();
		return token.isEmpty() ? null : token;
	}

}
