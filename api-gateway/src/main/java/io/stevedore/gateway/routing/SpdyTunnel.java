package io.stevedore.gateway.routing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * Passes a SPDY/3.1 upgrade ({@code pods/exec}, {@code attach}, {@code portforward} from
 * kubectl's fallback, client-go programs and older kubectl) to the apiserver and, once it
 * switches protocols, joins the two connections byte for byte, as kube-apiserver's
 * UpgradeAwareHandler does. The gateway need not understand SPDY: no framing, window or
 * message size of its own to get wrong.
 * <p>
 * Why raw Netty here: Reactor Netty and Spring know only WebSocket upgrades. So the
 * request head goes to the apiserver on a plain channel on the client connection's own
 * event loop; an answer that is not 101 (a Status: pod not found, version refused) goes
 * back through Spring as any response does; a 101 is written to the client connection by
 * hand once its HTTP codec is taken out of the pipeline (the codec would refuse raw bytes
 * and parse SPDY frames as HTTP), and from then on a handler in front of Reactor Netty's
 * bridge copies what each side sends to the other. Spring's side of the response is
 * committed with status 101 but never written, so the audit and the request accounting,
 * which wrap this filter, see the request from its start until the tunnel closes.
 * <p>
 * Threading: non-blocking; everything after the connect runs on the client connection's
 * event loop, which the upstream channel shares.
 */
final class SpdyTunnel {

	private static final Logger log = LoggerFactory.getLogger(SpdyTunnel.class);

	/**
	 * Request headers the apiserver needs for the handshake, besides the gateway's own.
	 */
	private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "upgrade", "content-length",
			"transfer-encoding", "keep-alive");

	/** Answer headers that belong to the gateway's hop. */
	private static final Set<String> NOT_RETURNED = Set.of("content-length", "transfer-encoding", "date", "server",
			"keep-alive");

	/** The client connection's HTTP handlers, taken out once it is a tunnel. */
	private static final List<String> HTTP_HANDLERS = List.of(NettyPipeline.HttpTrafficHandler, NettyPipeline.HttpCodec,
			NettyPipeline.CompressionHandler, NettyPipeline.HttpDecompressor, NettyPipeline.HttpAggregator,
			NettyPipeline.AccessLogHandler, NettyPipeline.HttpMetricsHandler, NettyPipeline.IdleTimeoutHandler,
			NettyPipeline.ReadTimeoutHandler, NettyPipeline.H2CUpgradeHandler, NettyPipeline.OnChannelReadIdle,
			NettyPipeline.OnChannelWriteIdle,
			// the fast path's handler (io.stevedore.gateway.fastpath), HTTP only as well
			"stevedore.fastPath");

	private static final int MAX_HEAD = 64 * 1024;

	private static final int CONNECT_TIMEOUT_MILLIS = 5000;

	private final URI upstream;

	private final HttpHeaders headers;

	SpdyTunnel(URI upstream, HttpHeaders headers) {
		this.upstream = upstream;
		this.headers = headers;
	}

	Mono<Void> run(ServerWebExchange exchange) {
		ServerHttpResponse response = exchange.getResponse();
		if (!"http".equals(this.upstream.getScheme())) {
			// The raw channel speaks no TLS: say so rather than send plain text to a TLS
			// port. kubectl's WebSocket (its default) is relayed to https apiservers.
			return answer(response, unavailable("SPDY upgrades are relayed to http apiservers only, not "
					+ this.upstream.getScheme() + "; use the WebSocket streams (kubectl's default)"));
		}
		Connection connection = (Connection) ServerHttpResponseDecorator.getNativeResponse(response);
		Channel client = connection.channel();
		Sinks.One<Head> answered = Sinks.one();
		Sinks.Empty<Void> closed = Sinks.empty();
		Bootstrap bootstrap = new Bootstrap().group(client.eventLoop())
			.channelFactory(channelFactory(client))
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
			.handler(new AnswerReader(answered));
		int port = this.upstream.getPort() > 0 ? this.upstream.getPort() : 80;
		ChannelFuture connecting = bootstrap.connect(new InetSocketAddress(this.upstream.getHost(), port));
		connecting.addListener((ChannelFutureListener) f -> {
			if (!f.isSuccess()) {
				answered.tryEmitError(f.cause());
				return;
			}
			f.channel().writeAndFlush(Unpooled.copiedBuffer(requestHead(exchange), StandardCharsets.ISO_8859_1));
		});
		return answered.asMono().flatMap(head -> {
			if (head.status() != 101) {
				head.channel().close();
				return answer(response, head);
			}
			response.setStatusCode(HttpStatus.SWITCHING_PROTOCOLS);
			// Commits Spring's side (status for the audit) without writing: the 101 goes
			// out below, raw.
			return response.setComplete().then(Mono.defer(() -> {
				client.eventLoop().execute(() -> join(client, head, closed));
				return closed.asMono();
			}));
		}).onErrorResume(ex -> {
			log.debug("no SPDY upgrade from {}: {}", this.upstream, ex.toString());
			return answer(response, unavailable("no apiserver answered: " + ex.getClass().getSimpleName()));
		})
			// The client went away first: the apiserver's connection is not left open.
			.doOnCancel(() -> connecting.channel().close());
	}

	/** A 503 Status with this message (no quotes or backslashes in it). */
	private static Head unavailable(String message) {
		return new Head(null, 503, List.of(),
				("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
						+ message + "\",\"reason\":\"ServiceUnavailable\",\"code\":503}")
					.getBytes(StandardCharsets.UTF_8),
				null);
	}

	/** The same transport (NIO, epoll) as the client's connection. */
	private static ReflectiveChannelFactory<Channel> channelFactory(Channel client) {
		try {
			client.getClass().getConstructor();
			@SuppressWarnings("unchecked")
			Class<Channel> type = (Class<Channel>) client.getClass();
			return new ReflectiveChannelFactory<>(type);
		}
		catch (NoSuchMethodException ex) {
			return new ReflectiveChannelFactory<>(NioSocketChannel.class);
		}
	}

	private String requestHead(ServerWebExchange exchange) {
		StringBuilder head = new StringBuilder(exchange.getRequest().getMethod().name()).append(' ')
			.append(this.upstream.getRawPath());
		if (this.upstream.getRawQuery() != null) {
			head.append('?').append(this.upstream.getRawQuery());
		}
		// Upgrade too: the gateway's header filters drop it as hop-by-hop.
		head.append(" HTTP/1.1\r\nHost: ")
			.append(this.upstream.getAuthority())
			.append("\r\nConnection: Upgrade\r\nUpgrade: ")
			.append(exchange.getRequest().getHeaders().getUpgrade())
			.append("\r\n");
		this.headers.forEach((name, values) -> {
			if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
				values.forEach(value -> head.append(name).append(": ").append(value).append("\r\n"));
			}
		});
		return head.append("\r\n").toString();
	}

	/** The apiserver's refusal, as it gave it. */
	private static Mono<Void> answer(ServerHttpResponse response, Head head) {
		response.setStatusCode(HttpStatusCode.valueOf(head.status()));
		for (String line : head.lines()) {
			int colon = line.indexOf(':');
			String name = colon < 0 ? "" : line.substring(0, colon).trim();
			if (!name.isEmpty() && !NOT_RETURNED.contains(name.toLowerCase(Locale.ROOT))
					&& !name.equalsIgnoreCase("connection")) {
				response.getHeaders().add(name, line.substring(colon + 1).trim());
			}
		}
		if (response.getHeaders().getContentType() == null) {
			response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		}
		return response.writeWith(Mono.just(response.bufferFactory().wrap(head.body())));
	}

	/**
	 * On the client connection's event loop: the 101 with the apiserver's headers, then
	 * bytes both ways until either side closes.
	 */
	private static void join(Channel client, Head head, Sinks.Empty<Void> closed) {
		Channel upstream = head.channel();
		ChannelPipeline pipeline = client.pipeline();
		for (String name : HTTP_HANDLERS) {
			if (pipeline.get(name) != null) {
				pipeline.remove(name);
			}
		}
		pipeline.addBefore(NettyPipeline.ReactiveBridge, "stevedore.spdyTunnel", new Copy(upstream));
		upstream.pipeline().replace(AnswerReader.class, "stevedore.spdyTunnel", new Copy(client));
		StringBuilder answer = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
		for (String line : head.lines()) {
			int colon = line.indexOf(':');
			String name = colon < 0 ? "" : line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
			if (!name.isEmpty() && !NOT_RETURNED.contains(name)) {
				answer.append(line).append("\r\n");
			}
		}
		client.write(Unpooled.copiedBuffer(answer.append("\r\n"), StandardCharsets.ISO_8859_1));
		if (head.rest() != null && head.rest().isReadable()) {
			client.write(head.rest());
		}
		client.flush();
		ChannelFutureListener bothClosed = f -> {
			if (!client.isActive() && !upstream.isActive()) {
				closed.tryEmitEmpty();
			}
		};
		// Each side's close reaches the other after the bytes before it (Copy); a side
		// that closed before its Copy was in place is passed on here.
		for (Channel side : new Channel[] { client, upstream }) {
			if (!side.isActive()) {
				Channel other = side == client ? upstream : client;
				other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
			}
		}
		client.closeFuture().addListener(bothClosed);
		upstream.closeFuture().addListener(bothClosed);
		client.config().setAutoRead(true);
		upstream.config().setAutoRead(true);
		client.read();
	}

	/**
	 * Copies what one side sends to the other; stops reading while the other cannot take
	 * more, so a slow client holds back the pod's output and not the gateway's memory.
	 */
	private static final class Copy extends ChannelInboundHandlerAdapter {

		private final Channel to;

		Copy(Channel to) {
			this.to = to;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			this.to.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
			if (!this.to.isWritable()) {
				ctx.channel().config().setAutoRead(false);
			}
		}

		/** This side can take more again: the other side's reading resumes. */
		@Override
		public void channelWritabilityChanged(ChannelHandlerContext ctx) {
			if (ctx.channel().isWritable()) {
				this.to.config().setAutoRead(true);
			}
			ctx.fireChannelWritabilityChanged();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			// The other side gets what was already sent, then its close.
			this.to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
			// Reactor Netty ends its side of the exchange (connection accounting).
			ctx.fireChannelInactive();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			log.debug("SPDY tunnel ended: {}", cause.toString());
			ctx.close();
		}

	}

	/** Reads the apiserver's answer head (and a refusal's body) off the raw channel. */
	private static final class AnswerReader extends ChannelInboundHandlerAdapter {

		private final Sinks.One<Head> answered;

		private final ByteBuf received = Unpooled.buffer();

		private Head head;

		AnswerReader(Sinks.One<Head> answered) {
			this.answered = answered;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				this.received.writeBytes((ByteBuf) msg);
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
			if (this.head == null) {
				int end = endOfHead(this.received);
				if (end < 0) {
					if (this.received.readableBytes() > MAX_HEAD) {
						fail(ctx, "the apiserver's answer head is too long");
					}
					return;
				}
				String text = this.received.readCharSequence(end, StandardCharsets.ISO_8859_1).toString();
				List<String> lines = text.strip().lines().toList();
				int status = Integer.parseInt(lines.get(0).split(" ", 3)[1]);
				this.head = new Head(ctx.channel(), status, lines.subList(1, lines.size()), null, null);
				if (status == 101) {
					// Bytes past the head are the tunnel's first (the agent may speak
					// first).
					ctx.channel().config().setAutoRead(false);
					this.answered.tryEmitValue(new Head(ctx.channel(), 101, this.head.lines(), null,
							this.received.readRetainedSlice(this.received.readableBytes())));
					this.received.release();
					return;
				}
			}
			int length = contentLength(this.head.lines());
			if (length >= 0 && this.received.readableBytes() >= length) {
				finish(ctx, length);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (this.head == null) {
				fail(ctx, "the apiserver closed the connection before answering");
			}
			else if (this.head.status() != 101 && this.received.refCnt() > 0) {
				finish(ctx, this.received.readableBytes());
			}
			ctx.fireChannelInactive();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			this.answered.tryEmitError(cause);
			ctx.close();
		}

		private void finish(ChannelHandlerContext ctx, int length) {
			byte[] body = new byte[Math.min(length, this.received.readableBytes())];
			this.received.readBytes(body);
			this.received.release();
			this.answered.tryEmitValue(new Head(ctx.channel(), this.head.status(), this.head.lines(), body, null));
		}

		private void fail(ChannelHandlerContext ctx, String message) {
			if (this.received.refCnt() > 0) {
				this.received.release();
			}
			this.answered.tryEmitError(new java.io.IOException(message));
			ctx.close();
		}

		private static int endOfHead(ByteBuf buf) {
			for (int i = buf.readerIndex(); i + 3 < buf.writerIndex(); i++) {
				if (buf.getByte(i) == '\r' && buf.getByte(i + 1) == '\n' && buf.getByte(i + 2) == '\r'
						&& buf.getByte(i + 3) == '\n') {
					return i + 4 - buf.readerIndex();
				}
			}
			return -1;
		}

		private static int contentLength(List<String> lines) {
			for (String line : lines) {
				if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
					return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
				}
			}
			return -1;
		}

	}

	/**
	 * The apiserver's answer: its channel, status and header lines, and either the body
	 * of a refusal or the bytes that followed a 101.
	 */
	private record Head(Channel channel, int status, List<String> lines, byte[] body, ByteBuf rest) {
	}

}
