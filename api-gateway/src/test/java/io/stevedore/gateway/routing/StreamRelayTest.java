package io.stevedore.gateway.routing;

import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay between real Reactor Netty WebSocket servers on loopback: an upstream that,
 * like the node agent, writes its messages and closes at once, the relay as the gateway
 * runs it, and a client.
 */
class StreamRelayTest {

	private static final String PROTOCOL = "v5.channel.k8s.io";

	private static final int MESSAGES = 2000;

	private static final int LARGE_FRAME = 64 * 1024;

	/** 20 MiB: several times the bytes at which the relay pauses reading. */
	private static final int LARGE_FRAMES = 320;

	private static final long SLOW_UPSTREAM_MILLIS = 150;

	private final Sinks.One<CloseStatus> upstreamSawClose = Sinks.one();

	private DisposableServer upstream;

	private DisposableServer relay;

	private final ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient();

	@BeforeEach
	void start() {
		this.upstream = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes
				.ws("/burst",
						(in, out) -> out
							.sendObject(Flux.range(1, MESSAGES)
								.map((i) -> new BinaryWebSocketFrame(
										Unpooled.copiedBuffer("line " + i + "\n", StandardCharsets.UTF_8))))
							.then()
							.then(out.sendClose(1000, "exit status sent")),
						spec())
				.ws("/large",
						(in, out) -> out
							.sendObject(Flux.range(1, LARGE_FRAMES)
								.map((i) -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[LARGE_FRAME]))))
							.then()
							.then(out.sendClose(1000, "large done")),
						spec())
				// The apiserver's 101 comes only once the node agent answered: the
				// client's
				// first frames reach the relay before its upstream exists.
				.get("/slow-echo",
						(request, response) -> Mono.delay(Duration.ofMillis(SLOW_UPSTREAM_MILLIS))
							.then(response.sendWebsocket((in, out) -> out.send(in.aggregateFrames().receive().retain()),
									spec())))
				.ws("/echo", (in, out) -> {
					in.receiveCloseStatus()
						.subscribe((status) -> this.upstreamSawClose
							.tryEmitValue(new CloseStatus(status.code(), status.reasonText())));
					return out.send(in.aggregateFrames().receive().retain());
				}, spec()))
			.bindNow();
		this.relay = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle(new ReactorHttpHandlerAdapter(WebHttpHandlerBuilder.webHandler((exchange) -> {
				URI target = URI.create("ws://127.0.0.1:" + this.upstream.port() + exchange.getRequest().getPath());
				// Off the connection's event loop, as in the gateway, where the relay
				// starts
				// on the loop of the apiserver's answer to the check.
				return Mono.delay(Duration.ofMillis(1))
					.then(Mono
						.defer(() -> new StreamRelay(HttpClient.create(), target, new HttpHeaders(), List.of(PROTOCOL))
							.run(exchange)));
			}).build()))
			.bindNow();
	}

	private static WebsocketServerSpec spec() {
		return WebsocketServerSpec.builder().protocols(PROTOCOL).build();
	}

	@AfterEach
	void stop() {
		this.relay.disposeNow();
		this.upstream.disposeNow();
	}

	@Test
	void everyMessageBeforeTheUpstreamsCloseReachesTheClientThenTheClose() {
		// Spring Cloud Gateway's routing lost the tail of such a burst now and then; run
		// it often enough to see that.
		for (int run = 0; run < 40; run++) {
			List<String> received = new CopyOnWriteArrayList<>();
			AtomicReference<CloseStatus> closed = new AtomicReference<>();
			this.client.execute(URI.create("ws://127.0.0.1:" + this.relay.port() + "/burst"),
					new ClientHandler((session) -> session.receive()
						.map(WebSocketMessage::getPayloadAsText)
						.doOnNext(received::add)
						.then(session.closeStatus().doOnNext(closed::set))
						.then()))
				.block(Duration.ofSeconds(20));
			assertThat(received).as("run %d", run).hasSize(MESSAGES);
			assertThat(received.get(MESSAGES - 1)).isEqualTo("line " + MESSAGES + "\n");
			assertThat(closed.get()).as("run %d", run).isNotNull();
			assertThat(closed.get().getCode()).isEqualTo(1000);
			assertThat(closed.get().getReason()).isEqualTo("exit status sent");
		}
	}

	@Test
	void aSlowClientGetsEveryByteOfMoreThanTheRelayQueues() throws Exception {
		// The JDK's client (as kubectl, it reads on only when asked and never drops what
		// it
		// has received at a close): it takes a frame every 2 ms, so the relay's queue
		// fills and its reading from the upstream pauses and resumes.
		AtomicLong bytes = new AtomicLong();
		CompletableFuture<Integer> closed = new CompletableFuture<>();
		WebSocket.Listener slow = new WebSocket.Listener() {

			@Override
			public void onOpen(WebSocket socket) {
				socket.request(1);
			}

			@Override
			public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
				bytes.addAndGet(data.remaining());
				return CompletableFuture.runAsync(() -> socket.request(1),
						CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS));
			}

			@Override
			public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
				closed.complete(code);
				return null;
			}

			@Override
			public void onError(WebSocket socket, Throwable error) {
				closed.completeExceptionally(error);
			}
		};
		try (java.net.http.HttpClient jdk = java.net.http.HttpClient.newHttpClient()) {
			jdk.newWebSocketBuilder()
				.subprotocols(PROTOCOL)
				.buildAsync(URI.create("ws://127.0.0.1:" + this.relay.port() + "/large"), slow)
				.get(20, TimeUnit.SECONDS);
			assertThat(closed.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
		}
		assertThat(bytes.get()).isEqualTo((long) LARGE_FRAMES * LARGE_FRAME);
		assertThat(StreamRelay.PAUSE_ABOVE).isLessThan((long) LARGE_FRAMES * LARGE_FRAME / 4);
	}

	@Test
	void messagesTheClientSendsBeforeTheUpstreamAnsweredAllGoUpstream() {
		// kubectl exec -i sends stdin and its end right after the gateway's 101, which
		// the gateway sends before the apiserver's: 4 of 40 such execs lost them.
		for (int run = 0; run < 40; run++) {
			List<String> echoed = new CopyOnWriteArrayList<>();
			this.client.execute(URI.create("ws://127.0.0.1:" + this.relay.port() + "/slow-echo"),
					new ClientHandler((session) -> Mono.when(
							session.send(Flux.just("stdin 1", "stdin 2").map(session::textMessage)),
							session.receive()
								.map(WebSocketMessage::getPayloadAsText)
								.doOnNext(echoed::add)
								.take(2)
								.then())))
				.block(Duration.ofSeconds(20));
			assertThat(echoed).as("run %d", run).containsExactly("stdin 1", "stdin 2");
		}
	}

	@Test
	void messagesGoUpstreamAndTheClientsCloseFollowsThem() {
		List<String> echoed = new CopyOnWriteArrayList<>();
		this.client.execute(URI.create("ws://127.0.0.1:" + this.relay.port() + "/echo"),
				new ClientHandler(
						(session) -> Mono.when(session.send(Flux.just("stdin 1", "stdin 2").map(session::textMessage)),
								// Closes once both came back; cancelling the receive
								// instead would
								// close without a status.
								session.receive()
									.map(WebSocketMessage::getPayloadAsText)
									.doOnNext(echoed::add)
									.doOnNext((text) -> {
										if (echoed.size() == 2) {
											session.close(new CloseStatus(4000, "client done")).subscribe();
										}
									})
									.then())))
			.block(Duration.ofSeconds(20));

		assertThat(echoed).containsExactly("stdin 1", "stdin 2");
		CloseStatus atUpstream = this.upstreamSawClose.asMono().block(Duration.ofSeconds(10));
		assertThat(atUpstream).isNotNull();
		assertThat(atUpstream.getCode()).isEqualTo(4000);
		assertThat(atUpstream.getReason()).isEqualTo("client done");
	}

	@Test
	void statusesAFrameMayNotCarryBecomeAServerErrorAndAnEmptyCloseANormalOne() {
		assertThat(StreamRelay.sendable(WebSocketCloseStatus.NORMAL_CLOSURE).code()).isEqualTo(1000);
		assertThat(StreamRelay.sendable(new WebSocketCloseStatus(4001, "own")).reasonText()).isEqualTo("own");
		assertThat(StreamRelay.sendable(WebSocketCloseStatus.EMPTY).code()).isEqualTo(1000);
		assertThat(StreamRelay.sendable(WebSocketCloseStatus.ABNORMAL_CLOSURE).code()).isEqualTo(1011);
		assertThat(StreamRelay.sendable(WebSocketCloseStatus.TLS_HANDSHAKE_FAILED).code()).isEqualTo(1011);
		assertThat(StreamRelay.sendable(new WebSocketCloseStatus(4002, "x".repeat(200))).reasonText()).hasSize(123);
	}

	@Test
	void theClientsOfferedProtocolsAreSplitAsTheHeaderListsThem() {
		HttpHeaders headers = new HttpHeaders();
		headers.add("Sec-WebSocket-Protocol", "v5.channel.k8s.io, v4.channel.k8s.io");
		headers.add("Sec-WebSocket-Protocol", "channel.k8s.io");
		assertThat(StreamProxyFilter.offeredProtocols(headers)).containsExactly("v5.channel.k8s.io",
				"v4.channel.k8s.io", "channel.k8s.io");
	}

	/** The test's client, offering the stream protocol. */
	private record ClientHandler(
			java.util.function.Function<WebSocketSession, Mono<Void>> body) implements WebSocketHandler {

		@Override
		public List<String> getSubProtocols() {
			return List.of(PROTOCOL);
		}

		@Override
		public Mono<Void> handle(WebSocketSession session) {
			return this.body.apply(session);
		}

	}

}
