package io.stevedore.gateway.routing;

import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * A WebSocket upgrade on anything but {@code pods/exec|attach|portforward} (fabric8's
 * informers open every watch that way first) goes to the apiserver as the plain request
 * it is: the apiserver serves watches over HTTP only and answers such a request with
 * {@code 200} and the event stream, which tells fabric8 to fall back to an HTTP watch.
 * Spring Cloud Gateway's WebSocket routing would instead accept the client's handshake,
 * fail its own upstream one on that 200 and drop the connection, and fabric8 would
 * reconnect at once, forever: once the controllers went through the gateway that was a
 * loop of ~280 list+watch requests a second.
 */
public final class WatchUpgradeFilter implements GlobalFilter, Ordered {

	private static final Pattern STREAM_PATH = Pattern
		.compile("^/api/v1/namespaces/[^/]+/pods/[^/]+/(exec|attach|portforward)/?$");

	/**
	 * Before the WebSocket routing filter reads the Upgrade header (with
	 * StreamCheckFilter).
	 */
	private static final int ORDER = 10150;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		String upgrade = exchange.getRequest().getHeaders().getUpgrade();
		if (upgrade == null || !"websocket".equalsIgnoreCase(upgrade)
				|| STREAM_PATH.matcher(exchange.getRequest().getPath().value()).matches()) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange.mutate().request(request -> request.headers(WatchUpgradeFilter::plain)).build());
	}

	private static void plain(HttpHeaders headers) {
		headers.remove(HttpHeaders.UPGRADE);
		headers.remove(HttpHeaders.CONNECTION);
		headers.remove("Sec-WebSocket-Key");
		headers.remove("Sec-WebSocket-Version");
		headers.remove("Sec-WebSocket-Extensions");
		headers.remove("Sec-WebSocket-Protocol");
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
