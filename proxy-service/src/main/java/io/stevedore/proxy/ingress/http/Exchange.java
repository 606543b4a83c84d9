package io.stevedore.proxy.ingress.http;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.stevedore.proxy.ingress.route.Upstream;

/**
 * One request from a client and its way to a backend and back. Everything runs on the
 * frontend connection's event loop (backend connections are made on the same loop), so no
 * state here is shared between threads.
 *
 * <p>
 * The request head (and body parts read meanwhile) waits in {@code pending} until a
 * backend connection is there: a failed connection (refused, timed out) sends nothing, so
 * the next endpoint is tried for any method. A request that is idempotent and has no body
 * can be sent again after the connection failed before a response started (a pooled
 * connection the backend had closed, a backend that died mid-request); others then get
 * 502. A 101 answer to an {@code Upgrade} request turns both connections into a byte
 * tunnel (WebSocket).
 */
final class Exchange {

	private static final byte[] CHUNKED = ascii("transfer-encoding: chunked\r\n");

	private static final byte[] CONNECTION_CLOSE = ascii("connection: close\r\n");

	private static final byte[] CONNECTION_KEEP_ALIVE = ascii("connection: keep-alive\r\n");

	private static final byte[] CRLF_BYTES = ascii("\r\n");

	private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");

	/** Body parts held while connecting before the client is read no more. */
	private static final int MAX_PENDING = 16;

	private final FrontendHandler frontend;

	private final ChannelHandlerContext ctx;

	private final Gateway gateway;

	private final HttpRequest request;

	private final HttpVersion clientVersion;

	private boolean keepAlive;

	private final boolean head;

	private final boolean upgrade;

	private final boolean replayable;

	/** The request body came in chunks: it goes on in chunks. */
	private final boolean chunkedRequest;

	private Upstream upstream;

	private String host;

	private final List<InetSocketAddress> tried = new ArrayList<>(2);

	private int triesLeft;

	private final ArrayDeque<Object> pending = new ArrayDeque<>(2);

	private Channel backend;

	private BackendHandler backendHandler;

	private EndpointPicker.Pick pick;

	private long startNanos;

	private boolean permissionOpen;

	private boolean sent;

	private boolean reusedConnection;

	private boolean timedOut;

	private boolean backendKeepAlive;

	/** The backend ends the body by closing; the client gets it in chunks. */
	private boolean chunking;

	/**
	 * Writes bytes to the client past the response encoder (the backend's response is
	 * passed on as bytes).
	 */
	private final ChannelHandlerContext raw;

	private boolean tunnel;

	boolean requestComplete;

	private boolean responseStarted;

	private boolean responseComplete;

	private boolean done;

	Exchange(FrontendHandler frontend, ChannelHandlerContext ctx, Gateway gateway, HttpRequest request,
			HttpVersion clientVersion, boolean keepAlive, boolean head, boolean upgrade, boolean replayable) {
		this.frontend = frontend;
		this.ctx = ctx;
		this.raw = frontend.raw();
		this.gateway = gateway;
		this.request = request;
		this.clientVersion = clientVersion;
		this.keepAlive = keepAlive;
		this.head = head;
		this.upgrade = upgrade;
		this.replayable = replayable;
		this.chunkedRequest = HttpUtil.isTransferEncodingChunked(request);
	}

	/**
	 * Sends the request to {@code upstream}'s endpoints.
	 * @param host the Host the client asked for (X-Forwarded-Host), or null
	 */
	void forward(Upstream target, String host) {
		this.upstream = target;
		this.host = host;
		this.triesLeft = this.gateway.settings().retries() + 1;
		this.pending.add(this.request);
		connect();
	}

	private void connect() {
		EndpointPicker.Pick next = this.gateway.picker().pick(this.upstream, this.tried);
		if (next == null) {
			fail(this.tried.isEmpty() ? HttpResponseStatus.SERVICE_UNAVAILABLE
					: this.timedOut ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY);
			return;
		}
		this.pick = next;
		this.permissionOpen = true;
		this.triesLeft--;
		this.tried.add(next.endpoint());
		this.startNanos = System.nanoTime();
		// Only a request that can be sent again risks a pooled connection the backend may
		// have closed just now.
		Channel pooled = this.replayable ? this.gateway.pool().take(next.endpoint()) : null;
		if (pooled != null) {
			attach(pooled, true);
			return;
		}
		this.gateway.connect(this.ctx.channel().eventLoop(), next.endpoint()).addListener((ChannelFutureListener) f -> {
			if (f.isSuccess()) {
				attach(f.channel(), false);
			}
			else {
				connectFailed(f.cause());
			}
		});
	}

	private void attach(Channel channel, boolean reused) {
		if (this.done) {
			releasePermission();
			this.gateway.pool().give(this.pick.endpoint(), channel);
			return;
		}
		this.backend = channel;
		this.reusedConnection = reused;
		this.backendHandler = channel.pipeline().get(BackendHandler.class);
		this.backendHandler.serve(this);
		this.backendHandler.parser().expect(this.head);
		this.sent = true;
		Object message;
		while ((message = this.pending.poll()) != null) {
			channel.write(bytes(channel, message), channel.voidPromise());
		}
		channel.flush();
		this.frontend.resume(FrontendHandler.PENDING);
	}

	/** A request message as the bytes that go to the backend. */
	private Object bytes(Channel channel, Object message) {
		if (message instanceof HttpRequest head) {
			return RequestWriter.head(channel.alloc(), head, this.host, this.frontend.forwarded());
		}
		if (message instanceof HttpContent content) {
			return RequestWriter.body(channel.alloc(), content, this.chunkedRequest);
		}
		return message;
	}

	private void connectFailed(Throwable cause) {
		this.timedOut = cause instanceof ConnectTimeoutException;
		recordFailure(cause);
		if (this.done) {
			return;
		}
		if (this.triesLeft > 0) {
			this.gateway.metrics().retried();
			connect();
		}
		else {
			fail(this.timedOut ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY);
		}
	}

	/** A part of the request body from the client. */
	void content(HttpContent content) {
		boolean last = content instanceof LastHttpContent;
		if (this.done || this.responseComplete) {
			content.release();
		}
		else if (this.sent && this.backend != null) {
			this.backend.write(bytes(this.backend, content), this.backend.voidPromise());
			if (last) {
				this.backend.flush();
			}
		}
		else if (this.sent) {
			content.release();
		}
		else {
			this.pending.add(content);
			if (this.pending.size() > MAX_PENDING) {
				// A body arriving faster than a backend connection: hold it off.
				this.frontend.pause(FrontendHandler.PENDING);
			}
		}
		if (last) {
			this.requestComplete = true;
			maybeFinish();
		}
	}

	void onResponse(ResponseHead response) {
		int code = response.status();
		if (code / 100 == 1 && code != 101) {
			// 100 Continue and friends: the client got its own 100 already.
			response.bytes().release();
			return;
		}
		if (this.done) {
			response.bytes().release();
			return;
		}
		this.responseStarted = true;
		recordSuccess();
		if (code == 101) {
			if (this.upgrade) {
				startTunnel(response.bytes());
			}
			else {
				// Switching protocols the client did not ask for.
				response.bytes().release();
				this.responseStarted = false;
				backendFailed(false);
			}
			return;
		}
		this.backendKeepAlive = response.keepAlive();
		ByteBuf head = response.bytes();
		if (response.framing() == ResponseHead.CLOSE) {
			// The backend ends the body by closing: the client needs chunks, or a close.
			if (this.keepAlive && this.clientVersion.isKeepAliveDefault()) {
				head.writeBytes(CHUNKED);
				this.chunking = true;
			}
			else {
				this.keepAlive = false;
			}
		}
		if (!this.keepAlive) {
			head.writeBytes(CONNECTION_CLOSE);
		}
		else if (!this.clientVersion.isKeepAliveDefault()) {
			head.writeBytes(CONNECTION_KEEP_ALIVE);
		}
		head.writeShort(ResponseParser.CRLF);
		this.gateway.metrics().answered(code);
		this.raw.write(head, this.raw.voidPromise());
	}

	/** Response body bytes (or, in a tunnel, anything) from the backend. */
	void onBody(ByteBuf body) {
		if (this.tunnel) {
			this.ctx.write(body, this.ctx.voidPromise());
			return;
		}
		if (this.done || !this.responseStarted) {
			body.release();
			return;
		}
		if (this.chunking) {
			ByteBuf size = this.ctx.alloc().buffer(12);
			size.writeCharSequence(Integer.toHexString(body.readableBytes()), StandardCharsets.US_ASCII);
			size.writeShort(ResponseParser.CRLF);
			this.raw.write(size, this.raw.voidPromise());
			this.raw.write(body, this.raw.voidPromise());
			this.raw.write(Unpooled.wrappedBuffer(CRLF_BYTES), this.raw.voidPromise());
			return;
		}
		this.raw.write(body, this.raw.voidPromise());
	}

	/** The response is complete. */
	void onEnd() {
		if (this.done || !this.responseStarted) {
			return;
		}
		this.responseComplete = true;
		if (this.chunking) {
			this.raw.write(Unpooled.wrappedBuffer(LAST_CHUNK), this.raw.voidPromise());
		}
		if (this.keepAlive) {
			this.ctx.flush();
		}
		else {
			this.raw.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
		}
		releaseBackend();
		maybeFinish();
	}

	void flushFrontend() {
		this.ctx.flush();
	}

	/** The backend connection closed or timed out while serving this request. */
	void backendFailed(boolean timeout) {
		Channel failed = this.backend;
		this.backend = null;
		if (failed != null) {
			failed.close();
		}
		if (this.done || this.responseComplete) {
			return;
		}
		if (this.tunnel || this.responseStarted) {
			// Truncated: the client must see the failure, not a short body.
			this.ctx.close();
			return;
		}
		this.timedOut = timeout;
		if (this.reusedConnection && !timeout) {
			// A pooled connection the backend closed: not the endpoint's fault, which may
			// be tried again on a fresh connection.
			releasePermission();
			this.tried.remove(this.pick.endpoint());
			this.triesLeft++;
		}
		else {
			recordFailure(timeout ? new java.util.concurrent.TimeoutException("read timeout")
					: new java.io.IOException("connection closed before the response"));
		}
		if (this.replayable && this.triesLeft > 0) {
			this.sent = false;
			this.pending.add(this.request);
			this.pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
			this.gateway.metrics().retried();
			connect();
		}
		else {
			fail(timeout ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY);
		}
	}

	void backendWritability(boolean writable) {
		if (writable) {
			this.frontend.resume(FrontendHandler.BACKPRESSURE);
		}
		else if (this.tunnel || !this.requestComplete) {
			this.frontend.pause(FrontendHandler.BACKPRESSURE);
		}
	}

	void frontendWritability(boolean writable) {
		if (this.backend != null) {
			this.backend.config().setAutoRead(writable);
		}
	}

	/** Answers locally (404, 503) or after all endpoints failed (502, 503, 504). */
	void fail(HttpResponseStatus status) {
		answer(Responses.of(status, this.keepAlive, this.head));
	}

	/** Sends the client to HTTPS. */
	void redirect(String location) {
		answer(Responses.redirect(location, this.keepAlive, this.head));
	}

	private void answer(io.netty.handler.codec.http.FullHttpResponse response) {
		releasePending();
		this.responseStarted = true;
		this.responseComplete = true;
		this.gateway.metrics().answered(response.status().code());
		if (this.keepAlive) {
			this.ctx.writeAndFlush(response, this.ctx.voidPromise());
		}
		else {
			this.ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
		}
		// Read (and drop) the rest of the body.
		this.frontend.resume(FrontendHandler.PENDING | FrontendHandler.BACKPRESSURE);
		maybeFinish();
	}

	private void startTunnel(ByteBuf head) {
		this.tunnel = true;
		this.gateway.metrics().answered(101);
		Channel peer = this.backend;
		this.raw.writeAndFlush(head, this.raw.voidPromise());
		peer.pipeline().remove(Gateway.PARSER);
		// Tunnel first: what the request decoder still holds comes out as bytes when it
		// is removed, and goes to the backend.
		this.frontend.tunnelTo(peer);
		this.ctx.pipeline().remove(Gateway.ENCODER);
		this.ctx.pipeline().remove(Gateway.DECODER);
		this.frontend.resume(FrontendHandler.PENDING | FrontendHandler.QUEUED);
	}

	private void releaseBackend() {
		Channel channel = this.backend;
		this.backend = null;
		if (channel == null) {
			return;
		}
		this.backendHandler.serve(null);
		if (this.backendKeepAlive && this.requestComplete) {
			channel.config().setAutoRead(true);
			this.gateway.pool().give(this.pick.endpoint(), channel);
		}
		else {
			channel.close();
		}
	}

	private void maybeFinish() {
		if (this.done || !this.requestComplete || !this.responseComplete) {
			return;
		}
		this.done = true;
		this.frontend.resume(FrontendHandler.BACKPRESSURE);
		this.frontend.finished(this, this.keepAlive);
	}

	/** The client went away. */
	void abort() {
		if (this.done && !this.tunnel) {
			return;
		}
		this.done = true;
		releasePending();
		releasePermission();
		Channel channel = this.backend;
		this.backend = null;
		if (channel != null) {
			if (this.backendHandler != null) {
				this.backendHandler.serve(null);
			}
			channel.close();
		}
	}

	private void releasePending() {
		Object message;
		while ((message = this.pending.poll()) != null) {
			ReferenceCountUtil.release(message);
		}
	}

	private void recordSuccess() {
		if (this.permissionOpen) {
			this.permissionOpen = false;
			this.pick.breaker().onSuccess(System.nanoTime() - this.startNanos, TimeUnit.NANOSECONDS);
		}
	}

	private void recordFailure(Throwable cause) {
		if (this.permissionOpen) {
			this.permissionOpen = false;
			this.pick.breaker().onError(System.nanoTime() - this.startNanos, TimeUnit.NANOSECONDS, cause);
		}
	}

	private void releasePermission() {
		if (this.permissionOpen) {
			this.permissionOpen = false;
			this.pick.breaker().releasePermission();
		}
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
