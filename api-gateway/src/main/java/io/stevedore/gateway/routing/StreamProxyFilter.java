package io.stevedore.gateway.routing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

/**
 * Proxies a WebSocket to {@code pods/exec}, {@code attach} or {@code portforward} (a SPDY
 * upgrade goes to {@link SpdyTunnel}). First asks the chosen apiserver whether the stream
 * would start (the pod, the container, the node agent reachable), and answers a refusal
 * with the apiserver's Status: the client's handshake is completed before the upstream
 * one, so without this a missing pod or a wrong container would reach kubectl as a bare
 * "close 1002 (protocol error)" instead of the Status it prints (kube-apiserver answers
 * these before upgrading). Then relays the stream with {@link StreamRelay}, not Spring
 * Cloud Gateway's WebSocket routing, which may pass the agent's close on before the last
 * messages (the exit status among them). The Sec-WebSocket-Protocol the client offered
 * goes upstream, and the agent picks the same version.
 * <p>
 * Threading: non-blocking; one check per stream request.
 */
public final class StreamProxyFilter implements GlobalFilter, Ordered {

	/** The header the apiserver knows as "only check" (its UpgradeProxyFilter). */
	static final String CHECK_HEADER = "X-Stevedore-Stream-Check";

	private static final Pattern STREAM_PATH = Pattern
		.compile("^/api/v1/namespaces/[^/]+/pods/[^/]+/(exec|attach|portforward)/?$");

	/** After the upstream is chosen, before Spring Cloud Gateway's WebSocket routing. */
	private static final int ORDER = 10151;

	private static final int MAX_BODY = 64 * 1024;

	private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";

	private final HttpClient http;

	private final List<HttpHeadersFilter> headersFilters;

	public StreamProxyFilter(HttpClient http, List<HttpHeadersFilter> headersFilters) {
		this.http = http;
		this.headersFilters = List.copyOf(headersFilters);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		String upgrade = exchange.getRequest().getHeaders().getUpgrade();
		URI url = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
		if (upgrade == null || url == null || !STREAM_PATH.matcher(exchange.getRequest().getPath().value()).matches()) {
			return chain.filter(exchange);
		}
		if (upgrade.toLowerCase(Locale.ROOT).startsWith("spdy/")) {
			// No check first: the apiserver answers a refused SPDY upgrade before it
			// upgrades, and the tunnel passes that answer on.
			return new SpdyTunnel(url, upstreamHeaders(exchange)).run(exchange);
		}
		if (!"websocket".equalsIgnoreCase(upgrade)) {
			return chain.filter(exchange);
		}
		return this.http.headers(headers -> headers.set(CHECK_HEADER, "true"))
			.responseTimeout(Duration.ofSeconds(15))
			.get()
			.uri(url)
			.responseSingle((response, body) -> body.asByteArray()
				.defaultIfEmpty(new byte[0])
				.map(bytes -> new Answer(response.status().code(), bytes)))
			.onErrorResume(ex -> Mono.just(new Answer(503,
					("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
							+ "\"metadata\":{},\"status\":\"Failure\",\"message\":\"no apiserver answered: "
							+ ex.getClass().getSimpleName() + "\",\"reason\":\"ServiceUnavailable\",\"code\":503}")
						.getBytes(StandardCharsets.UTF_8))))
			.flatMap(answer -> answer.code() == 200 ? relay(exchange, url) : refuse(exchange.getResponse(), answer));
	}

	private Mono<Void> relay(ServerWebExchange exchange, URI url) {
		String scheme = "https".equals(url.getScheme()) ? "wss" : "ws";
		URI upstream = UriComponentsBuilder.fromUri(url).scheme(scheme).build(true).toUri();
		return new StreamRelay(this.http, upstream, upstreamHeaders(exchange),
				offeredProtocols(exchange.getRequest().getHeaders()))
			.run(exchange);
	}

	/**
	 * The request's headers through the gateway's header filters (as its routing sends
	 * them), less Host and the client's own handshake headers: the WebSocket client makes
	 * its own.
	 */
	private HttpHeaders upstreamHeaders(ServerWebExchange exchange) {
		HttpHeaders filtered = HttpHeadersFilter.filterRequest(this.headersFilters, exchange);
		HttpHeaders headers = new HttpHeaders();
		filtered.forEach((name, values) -> {
			String lower = name.toLowerCase(Locale.ROOT);
			if (!lower.equals("host") && !lower.startsWith("sec-websocket")) {
				headers.addAll(name, values);
			}
		});
		return headers;
	}

	static List<String> offeredProtocols(HttpHeaders headers) {
		List<String> protocols = new ArrayList<>();
		for (String value : headers.getOrEmpty(SEC_WEBSOCKET_PROTOCOL)) {
			for (String protocol : value.split(",")) {
				if (!protocol.isBlank()) {
					protocols.add(protocol.strip());
				}
			}
		}
		return protocols;
	}

	private static Mono<Void> refuse(ServerHttpResponse response, Answer answer) {
		HttpStatus status = HttpStatus.resolve(answer.code());
		response.setStatusCode(status == null ? HttpStatus.INTERNAL_SERVER_ERROR : status);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		byte[] body = answer.body().length > MAX_BODY ? java.util.Arrays.copyOf(answer.body(), MAX_BODY)
				: answer.body();
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

	private record Answer(int code, byte[] body) {
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
