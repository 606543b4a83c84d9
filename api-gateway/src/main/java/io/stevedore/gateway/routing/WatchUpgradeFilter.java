package io.stevedore.gateway.routing;

import java.util.regex.Pattern;

import io.stevedore.gateway.status.StatusResponses;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * A WebSocket upgrade on anything but {@code pods/exec|attach|portforward} (fabric8's
 * informers open every watch that way first, unless told {@code onlyHttpWatches}) is
 * answered at once with a 503 Status: the apiserver serves watches over HTTP only, and
 * fabric8 takes a 200 or 503 handshake answer as "use an HTTP watch". Spring Cloud
 * Gateway's WebSocket routing would instead accept the client's handshake, fail its own
 * upstream one and drop the connection, and fabric8 reconnected at once, forever: once
 * the controllers went through the gateway that was ~280 list+watch requests a second.
 * Passing the upgrade on as a plain request was tried too: the watch's 200 stream then
 * held the client's handshake open and the scheduler's informers never synced.
 */
public final class WatchUpgradeFilter implements GlobalFilter, Ordered {

	private static final Pattern STREAM_PATH = Pattern
		.compile("^/api/v1/namespaces/[^/]+/pods/[^/]+/(exec|attach|portforward)/?$");

	/**
	 * Before the WebSocket routing filter reads the Upgrade header (with
	 * StreamProxyFilter).
	 */
	private static final int ORDER = 10150;

	static final String MESSAGE = "watches are served over HTTP only, not as a WebSocket: watch with a plain GET";

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		String upgrade = exchange.getRequest().getHeaders().getUpgrade();
		if (upgrade == null || !"websocket".equalsIgnoreCase(upgrade)
				|| STREAM_PATH.matcher(exchange.getRequest().getPath().value()).matches()) {
			return chain.filter(exchange);
		}
		return StatusResponses.write(exchange.getResponse(),
				StatusResponses.failure(503, "ServiceUnavailable", MESSAGE, null));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
