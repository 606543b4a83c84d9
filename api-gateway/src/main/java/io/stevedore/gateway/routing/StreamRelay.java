package io.stevedore.gateway.routing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * Relays one exec, attach or port-forward WebSocket between the client and the apiserver,
 * frame by frame, and passes a close on only after every frame before it.
 * <p>
 * The node agent closes right after the exit status, as the kubelet does. Spring Cloud
 * Gateway's WebSocket routing runs both directions inside the upstream connection's
 * handler, which Reactor Netty cancels when that connection closes: the frames still on
 * their way to the client were dropped and the client got a close without a status, so
 * kubectl now and then printed only part of the output and exited 0 for a command that
 * exited 7 (kubectl cp: "unexpected EOF"). Here each connection's frames are taken as
 * they arrive into a {@link FramePipe} that belongs to the relay, the client's side lives
 * as long as the client's connection, and each side is closed with the other's status
 * once the pipe towards it is empty.
 * <p>
 * Threading: non-blocking, on the two connections' event loops; one instance per stream.
 */
final class StreamRelay {

	private static final Logger log = LoggerFactory.getLogger(StreamRelay.class);

	/** As the node agent's largest message. */
	static final int MAX_FRAME = 1024 * 1024;

	/** Bytes queued in one direction before reading from its source pauses. */
	static final long PAUSE_ABOVE = 4L * MAX_FRAME;

	static final long RESUME_BELOW = MAX_FRAME;

	/**
	 * The close passed on when the other side's connection ended without a close frame.
	 */
	static final WebSocketCloseStatus CONNECTION_LOST = new WebSocketCloseStatus(1011,
			"the connection on the other side ended");

	private final HttpClient http;

	private final URI url;

	private final HttpHeaders headers;

	private final List<String> protocols;

	StreamRelay(HttpClient http, URI url, HttpHeaders headers, List<String> protocols) {
		this.http = http;
		this.url = url;
		this.headers = headers;
		this.protocols = List.copyOf(protocols);
	}

	/**
	 * Accepts the client's WebSocket with the protocols it offered (the agent picks the
	 * same version from the same list) and relays it until both sides have closed.
	 */
	Mono<Void> run(ServerWebExchange exchange) {
		ServerHttpResponse response = exchange.getResponse();
		HttpServerResponse connection = ServerHttpResponseDecorator.getNativeResponse(response);
		WebsocketServerSpec spec = WebsocketServerSpec.builder()
			.protocols(String.join(",", this.protocols))
			.maxFramePayloadLength(MAX_FRAME)
			.build();
		// The handshake on the client connection's own event loop. This runs after the
		// apiserver's answer to the check, on the loop of that upstream connection;
		// Reactor Netty writes the 101 and only then binds the WebSocket operations
		// that queue incoming frames, so off the loop, frames the client sends as soon
		// as it has the 101 (kubectl's stdin and its end) met the finished HTTP
		// exchange and were dropped: 4 of 40 `kubectl exec -i` hung at load 13.
		EventLoop loop = eventLoop(connection);
		// As Spring's upgrade strategy: commit the response (its pre-commit actions)
		// first.
		return response.setComplete()
			.then(Mono.defer(() -> connection.sendWebsocket(this::relay, spec))
				.subscribeOn(Schedulers.fromExecutor(loop)));
	}

	private static EventLoop eventLoop(HttpServerResponse connection) {
		AtomicReference<EventLoop> loop = new AtomicReference<>();
		connection.withConnection((c) -> loop.set(c.channel().eventLoop()));
		return loop.get();
	}

	private Mono<Void> relay(WebsocketInbound clientIn, WebsocketOutbound clientOut) {
		FramePipe toClient = new FramePipe(PAUSE_ABOVE, RESUME_BELOW);
		FramePipe toUpstream = new FramePipe(PAUSE_ABOVE, RESUME_BELOW);
		Sinks.One<WebSocketCloseStatus> upstreamClosed = Sinks.one();
		Sinks.One<WebSocketCloseStatus> clientClosed = Sinks.one();
		Mono<Void> fromClient = take(clientIn, toUpstream, clientClosed);
		Mono<Void> intoClient = give(clientOut, toClient, upstreamClosed);

		// The upstream side runs on its own: when the client goes first, the upstream
		// still gets the frames before its close and then the client's status.
		upstream(toClient, toUpstream, upstreamClosed, clientClosed).subscribe();
		return Mono.when(fromClient, intoClient);
	}

	private Mono<Void> upstream(FramePipe toClient, FramePipe toUpstream,
			Sinks.One<WebSocketCloseStatus> upstreamClosed, Sinks.One<WebSocketCloseStatus> clientClosed) {
		WebsocketClientSpec spec = WebsocketClientSpec.builder()
			.protocols(String.join(",", this.protocols))
			.maxFramePayloadLength(MAX_FRAME)
			.build();
		return this.http.headers((out) -> this.headers.forEach(out::set))
			.websocket(spec)
			.uri(this.url)
			.handle((in, out) -> {
				Mono<Void> receiving = take(in, toClient, upstreamClosed);
				Mono<Void> sending = give(out, toUpstream, clientClosed);
				return Mono.when(receiving, sending);
			})
			.then()
			.onErrorResume((ex) -> {
				log.debug("stream to {} failed: {}", this.url.getPath(), ex.toString());
				upstreamClosed
					.tryEmitValue(new WebSocketCloseStatus(1011, reason("no stream from the apiserver: " + ex)));
				return Mono.empty();
			})
			.doFinally((signal) -> {
				upstreamClosed.tryEmitValue(CONNECTION_LOST);
				toClient.complete();
			});
	}

	/**
	 * Takes every frame a side sends into the pipe towards the other, as they arrive; at
	 * the end, the status the side closed with.
	 */
	private static Mono<Void> take(WebsocketInbound in, FramePipe into, Sinks.One<WebSocketCloseStatus> closed) {
		in.withConnection((connection) -> into.producer(connection.channel()));
		return in.receiveFrames()
			.doOnNext((frame) -> into.offer(frame.retain()))
			.then()
			.onErrorResume((ex) -> Mono.empty())
			.doFinally((signal) -> {
				emitCloseStatus(in.receiveCloseStatus(), closed);
				into.complete();
			});
	}

	/**
	 * Writes the pipe's frames to a side, then closes it with the status the other side
	 * closed with.
	 */
	private static Mono<Void> give(WebsocketOutbound out, FramePipe from, Sinks.One<WebSocketCloseStatus> otherClosed) {
		return out.sendObject(from.frames())
			.then()
			.onErrorResume((ex) -> Mono.empty())
			.then(otherClosed.asMono())
			.flatMap((status) -> out.sendClose(status.code(), status.reasonText()));
	}

	/**
	 * The status a side closed with, once known, as a status the other side may be sent.
	 */
	private static void emitCloseStatus(Mono<WebSocketCloseStatus> closed, Sinks.One<WebSocketCloseStatus> into) {
		closed.map(StreamRelay::sendable)
			.defaultIfEmpty(CONNECTION_LOST)
			.subscribe(into::tryEmitValue, (ex) -> into.tryEmitValue(CONNECTION_LOST));
	}

	/**
	 * A status that may go in a close frame: a close without a status (1005) was a normal
	 * close; the codes RFC 6455 reserves for "closed abnormally" (1006, 1015) and the
	 * unassigned ones become 1011.
	 */
	static WebSocketCloseStatus sendable(WebSocketCloseStatus status) {
		int code = status.code();
		if (code == 1005) {
			return WebSocketCloseStatus.NORMAL_CLOSURE;
		}
		boolean allowed = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011)
				|| (code >= 3000 && code <= 4999);
		return allowed ? new WebSocketCloseStatus(code, reason(status.reasonText())) : CONNECTION_LOST;
	}

	/** A close frame's reason holds at most 123 bytes of UTF-8. */
	private static String reason(String text) {
		String reason = (text == null) ? "" : text;
		while (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
			reason = reason.substring(0, reason.length() - 1);
		}
		return reason;
	}

}
