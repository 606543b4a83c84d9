package io.stevedore.gateway.authn;

import io.stevedore.gateway.status.StatusResponses;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * First stage of every API request: refuses malformed paths (400), authenticates (401 for
 * a refused credential) and records the {@link UserInfo} on the exchange under
 * {@link #USER}. The Actuator endpoints (probes, metrics) are not part of the API and are
 * left alone.
 */
public final class AuthenticationFilter implements WebFilter, Ordered {

	public static final String USER = UserInfo.class.getName();

	/** After the audit filter, before authorization. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private final RequestAuthenticator authenticator;

	public AuthenticationFilter(RequestAuthenticator authenticator) {
		this.authenticator = authenticator;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().value();
		if (isActuator(path)) {
			return chain.filter(exchange);
		}
		if (hasDotSegment(path)) {
			return StatusResponses.write(exchange.getResponse(), StatusResponses.failure(400, "BadRequest",
					"path \"" + path + "\" must not contain '.' or '..' segments", null));
		}
		return this.authenticator.authenticateLater(exchange.getRequest()).flatMap((result) -> {
			if (result instanceof Authentication.Authenticated authenticated) {
				exchange.getAttributes().put(USER, authenticated.user());
				return chain.filter(WebSocketProtocolAuthenticator.withoutToken(exchange));
			}
			return StatusResponses.write(exchange.getResponse(), StatusResponses.unauthorized());
		});
	}

	public static boolean isActuator(String path) {
		return path.equals("/actuator") || path.startsWith("/actuator/");
	}

	public static boolean hasDotSegment(String path) {
		for (String segment : path.split("/")) {
			if (segment.equals(".") || segment.equals("..") || segment.equalsIgnoreCase("%2e")
					|| segment.equalsIgnoreCase("%2e%2e") || segment.equalsIgnoreCase(".%2e")
					|| segment.equalsIgnoreCase("%2e.")) {
				return true;
			}
		}
		return false;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
