package io.stevedore.gateway.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * Keeps a copy of a short request's body and its response's body as they stream through,
 * for the Request and RequestResponse levels. Each copy stops at {@link #LIMIT}: a bigger
 * body is left out of the event rather than held in memory. Long-running requests
 * (watches, logs, exec) are never decorated, so a stream is never copied.
 *
 * <p>
 * Threading: the two copies are appended from whichever thread Netty delivers the buffers
 * on, under this object's lock; read once the exchange is complete.
 */
final class BodyCapture {

	static final int LIMIT = 256 * 1024;

	private final ByteArrayOutputStream request = new ByteArrayOutputStream();

	private final ByteArrayOutputStream response = new ByteArrayOutputStream();

	private boolean requestTruncated;

	private boolean responseTruncated;

	ServerWebExchange decorate(ServerWebExchange exchange) {
		ServerHttpRequest request = new ServerHttpRequestDecorator(exchange.getRequest()) {
			@Override
			public Flux<DataBuffer> getBody() {
				return super.getBody().doOnNext((buffer) -> append(buffer, true));
			}
		};
		ServerHttpResponse response = new ServerHttpResponseDecorator(exchange.getResponse()) {
			@Override
			public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
				return super.writeWith(Flux.from(body).doOnNext((buffer) -> append(buffer, false)));
			}

			/**
			 * The gateway flushes JSON answers chunk by chunk (watch streams share the
			 * media type); only short requests are decorated, so this is a whole body.
			 */
			@Override
			public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
				return super.writeAndFlushWith(
						Flux.from(body).map((chunk) -> Flux.from(chunk).doOnNext((buffer) -> append(buffer, false))));
			}
		};
		return exchange.mutate().request(request).response(response).build();
	}

	private synchronized void append(DataBuffer buffer, boolean toRequest) {
		ByteArrayOutputStream target = toRequest ? this.request : this.response;
		int length = buffer.readableByteCount();
		if (target.size() + length > LIMIT) {
			if (toRequest) {
				this.requestTruncated = true;
			}
			else {
				this.responseTruncated = true;
			}
			return;
		}
		byte[] copy = new byte[length];
		buffer.toByteBuffer(buffer.readPosition(), ByteBuffer.wrap(copy), 0, length);
		target.writeBytes(copy);
	}

	/** The request body, or null when there was none or it was too big. */
	synchronized byte[] requestBody() {
		return this.requestTruncated || this.request.size() == 0 ? null : this.request.toByteArray();
	}

	/** The response body, or null when there was none or it was too big. */
	synchronized byte[] responseBody() {
		return this.responseTruncated || this.response.size() == 0 ? null : this.response.toByteArray();
	}

}
