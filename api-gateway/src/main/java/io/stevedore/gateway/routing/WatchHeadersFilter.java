package io.stevedore.gateway.routing;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * A watch's response head goes to the client as soon as the apiserver sends it, as
 * kube-apiserver sends it. Spring's response writer commits the head with the first group
 * of body chunks (its write barrier waits for one): a watch with nothing to report yet
 * sent the client nothing until the first event or bookmark, and a client waiting for the
 * watch to open (kubectl wait on a condition already met) hung for a minute. An empty
 * first group commits the head at once; an empty chunk puts no bytes on the wire in
 * either HTTP version. Spring Cloud Gateway writes an {@code application/json} answer
 * group by group ({@code writeAndFlushWith}); {@code writeWith} is covered too, for the
 * other types a watch may have (protobuf).
 */
public final class WatchHeadersFilter implements GlobalFilter, Ordered {

	/** Before the write-response filter, so that it writes through the decorator. */
	private static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (!isWatch(exchange.getRequest())) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange.mutate().response(new HeadFirst(exchange.getResponse())).build());
	}

	/** A watch: {@code watch=true|1} or the old {@code /watch/} paths, not an upgrade. */
	static boolean isWatch(ServerHttpRequest request) {
		if (request.getHeaders().getUpgrade() != null) {
			return false;
		}
		String watch = request.getQueryParams().getFirst("watch");
		return "true".equals(watch) || "1".equals(watch)
				|| request.getPath().pathWithinApplication().value().contains("/watch/");
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/** Writes an empty group before the body, each chunk flushed as it comes. */
	static final class HeadFirst extends ServerHttpResponseDecorator {

		HeadFirst(ServerHttpResponse delegate) {
			super(delegate);
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			return writeAndFlushWith(Flux.from(body).map((buffer) -> Mono.just(buffer)));
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			Mono<Publisher<? extends DataBuffer>> head = Mono
				.fromSupplier(() -> Mono.just(bufferFactory().wrap(new byte[0])));
			return getDelegate().writeAndFlushWith(Flux.<Publisher<? extends DataBuffer>>concat(head, body));
		}

	}

}
