package io.stevedore.gateway.fastpath;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.api.model.Status;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.stevedore.gateway.authn.IdentityHeaders;
import io.stevedore.gateway.routing.Upstream;
import io.stevedore.gateway.routing.UpstreamSelectionFilter;
import io.stevedore.gateway.status.StatusResponses;

/**
 * One proxied read, on the client connection's event loop from start to end: an apiserver
 * chosen as {@link UpstreamSelectionFilter} chooses (its breaker told of each call's
 * outcome when the response head arrives or the call fails), the request sent on a pooled
 * connection with the identity headers, the response streamed back part by part, reading
 * the apiserver only while the client connection is writable.
 *
 * <p>
 * A read is retried on the next replica, at most {@link #RETRIES} times as the route's
 * retry filter does, when the apiserver failed before any response byte reached the
 * client (connection refused or lost, timeout, or a 502/503/504 head, whose body is
 * dropped). A client that goes away mid-response closes the apiserver connection, which
 * then is not reused.
 */
final class Exchange {

	static final int RETRIES = 2;

	/** Not passed on in either direction (RFC 9110 7.6.1, and h2's own). */
	private static final java.util.Set<String> HOP_BY_HOP = java.util.Set.of("connection", "keep-alive",
			"proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization",
			"proxy-authenticate", "host");

	/** The client connection's decoder validated the headers already. */
	private static final DefaultHttpHeadersFactory UNVALIDATED = DefaultHttpHeadersFactory.headersFactory()
		.withNameValidation(false)
		.withValueValidation(false);

	private final FastPath fastPath;

	private final FastPathHandler owner;

	private final ChannelHandlerContext ctx;

	private final FastPath.Proxy verdict;

	private final FullHttpRequest upstreamRequest;

	private final boolean head;

	private final boolean http2;

	private final boolean closeAfter;

	private int retriesLeft = RETRIES;

	private Upstream upstream;

	private Channel channel;

	private long started;

	private boolean breakerPending;

	private boolean responseStarted;

	private boolean discarding;

	private boolean upstreamKeepAlive;

	private boolean done;

	private int code;

	private ScheduledFuture<?> timeout;

	Exchange(FastPath fastPath, FastPathHandler owner, ChannelHandlerContext ctx, HttpRequest request,
			FastPath.Proxy verdict, boolean http2) {
		this.fastPath = fastPath;
		this.owner = owner;
		this.ctx = ctx;
		this.verdict = verdict;
		this.head = HttpMethod.HEAD.equals(request.method());
		this.http2 = http2;
		this.closeAfter = !http2 && !HttpUtil.isKeepAlive(request);
		this.upstreamRequest = upstreamRequest(request, verdict);
	}

	/**
	 * The client's request as the apiserver gets it: hop-by-hop and identity headers
	 * replaced.
	 */
	private static FullHttpRequest upstreamRequest(HttpRequest request, FastPath.Proxy verdict) {
		HttpHeaders headers = UNVALIDATED.newHeaders();
		// as the decoder made them (no String copies of names and values)
		for (Iterator<Map.Entry<CharSequence, CharSequence>> it = request.headers().iteratorCharSequence(); it
			.hasNext();) {
			Map.Entry<CharSequence, CharSequence> header = it.next();
			CharSequence name = header.getKey();
			if (!isHopByHop(name) && !IdentityHeaders.isStripped(name)
					&& !AsciiString.regionMatches(name, true, 0, "x-http2-", 0, 8)) {
				headers.add(name, header.getValue());
			}
		}
		IdentityHeaders.forEach(verdict.user(), headers::add);
		return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), Unpooled.EMPTY_BUFFER,
				headers, io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
	}

	private static boolean isHopByHop(CharSequence name) {
		for (String hop : HOP_BY_HOP) {
			if (AsciiString.contentEqualsIgnoreCase(name, hop)) {
				return true;
			}
		}
		return false;
	}

	String auditId() {
		return this.verdict.audit().auditId();
	}

	void start() {
		Optional<Upstream> chosen = this.fastPath.pool.choose();
		if (chosen.isEmpty() || !chosen.get().circuitBreaker().tryAcquirePermission()) {
			answer(UpstreamSelectionFilter.unavailable());
			return;
		}
		this.upstream = chosen.get();
		this.breakerPending = true;
		this.started = System.nanoTime();
		Channel client = this.ctx.channel();
		Class<? extends Channel> socketType = (this.http2 ? client.parent() : client).getClass();
		this.upstreamRequest.headers()
			.set("Host", this.upstream.url().getHost()
					+ (this.upstream.url().getPort() < 0 ? "" : ":" + this.upstream.url().getPort()));
		this.fastPath.channels.acquire(client.eventLoop(), socketType, this.upstream.url())
			.addListener(this::connected);
	}

	private void connected(Future<? super Channel> future) {
		if (!future.isSuccess()) {
			upstreamFailed(future.cause());
			return;
		}
		Channel connected = (Channel) future.getNow();
		if (this.done) {
			this.fastPath.channels.release(this.ctx.channel().eventLoop(), this.upstream.url(), connected);
			return;
		}
		this.channel = connected;
		this.channel.pipeline().get(UpstreamRelay.class).bind(this);
		this.channel.config().setAutoRead(this.ctx.channel().isWritable());
		if (!this.fastPath.responseTimeout.isZero()) {
			this.timeout = this.ctx.channel()
				.eventLoop()
				.schedule(
						() -> upstreamFailed(new TimeoutException(
								"no response from the apiserver within " + this.fastPath.responseTimeout)),
						this.fastPath.responseTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		this.channel.writeAndFlush(this.upstreamRequest.retainedDuplicate()).addListener((written) -> {
			if (!written.isSuccess()) {
				upstreamFailed(written.cause());
			}
		});
	}

	void fromUpstream(Object msg) {
		if (msg instanceof HttpResponse response) {
			head(response);
		}
		if (msg instanceof HttpContent content) {
			content(content);
		}
		else if (!(msg instanceof HttpResponse)) {
			ReferenceCountUtil.release(msg);
		}
	}

	private void head(HttpResponse response) {
		cancelTimeout();
		recordSuccess();
		int status = response.status().code();
		this.upstreamKeepAlive = HttpUtil.isKeepAlive(response);
		if (!this.responseStarted && this.retriesLeft > 0 && (status == 502 || status == 503 || status == 504)) {
			this.discarding = true;
			return;
		}
		this.responseStarted = true;
		this.code = status;
		// The decoder's own head goes on, its hop-by-hop headers removed: no copy.
		HttpHeaders headers = response.headers();
		for (String name : HOP_BY_HOP) {
			headers.remove(name);
		}
		headers.set(Replies.AUDIT_ID, auditId());
		response.setProtocolVersion(HttpVersion.HTTP_1_1);
		if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH) && !this.http2 && !this.head && status != 204
				&& status != 304) {
			HttpUtil.setTransferEncodingChunked(response, true);
		}
		if (this.closeAfter) {
			headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		}
		this.ctx.write(response);
	}

	private void content(HttpContent content) {
		boolean last = content instanceof LastHttpContent;
		if (this.discarding) {
			content.release();
			if (last) {
				this.discarding = false;
				giveBackUpstream();
				this.retriesLeft--;
				start();
			}
			return;
		}
		if (!last) {
			this.ctx.write(content);
			return;
		}
		giveBackUpstream();
		this.ctx.writeAndFlush(content).addListener((ChannelFutureListener) (written) -> {
			if (this.closeAfter || !written.isSuccess()) {
				written.channel().close();
			}
		});
		finish();
	}

	void upstreamReadComplete() {
		if (!this.done) {
			this.ctx.flush();
		}
	}

	/** The apiserver (or the way to it) failed. */
	void upstreamFailed(Throwable cause) {
		if (this.done) {
			return;
		}
		cancelTimeout();
		if (this.breakerPending) {
			this.breakerPending = false;
			this.upstream.circuitBreaker().onError(System.nanoTime() - this.started, TimeUnit.NANOSECONDS, cause);
		}
		closeUpstream();
		if (this.responseStarted) {
			// part of the answer is out: the client must see it cut
			this.ctx.close();
			finish();
			return;
		}
		this.discarding = false;
		if (this.retriesLeft > 0) {
			this.retriesLeft--;
			start();
			return;
		}
		answer(StatusResponses.failure(503, "ServiceUnavailable", "the apiserver did not answer: " + cause.getMessage(),
				null));
	}

	/** The client went away (or its stream was reset). */
	void clientClosed() {
		if (this.done) {
			return;
		}
		cancelTimeout();
		if (this.breakerPending) {
			this.breakerPending = false;
			this.upstream.circuitBreaker().releasePermission();
		}
		closeUpstream();
		finish();
	}

	void clientWritabilityChanged(boolean writable) {
		if (this.channel != null) {
			this.channel.config().setAutoRead(writable);
		}
	}

	private void answer(Status status) {
		this.code = status.getCode();
		this.ctx.writeAndFlush(Replies.status(status, auditId(), false, this.head))
			.addListener((ChannelFutureListener) (written) -> {
				if (this.closeAfter || !written.isSuccess()) {
					written.channel().close();
				}
			});
		finish();
	}

	private void recordSuccess() {
		if (this.breakerPending) {
			this.breakerPending = false;
			this.upstream.circuitBreaker().onSuccess(System.nanoTime() - this.started, TimeUnit.NANOSECONDS);
		}
	}

	private void giveBackUpstream() {
		Channel used = this.channel;
		this.channel = null;
		if (used == null) {
			return;
		}
		used.pipeline().get(UpstreamRelay.class).unbind();
		if (this.upstreamKeepAlive) {
			this.fastPath.channels.release(this.ctx.channel().eventLoop(), this.upstream.url(), used);
		}
		else {
			used.close();
		}
	}

	private void closeUpstream() {
		Channel used = this.channel;
		this.channel = null;
		if (used != null) {
			UpstreamRelay relay = used.pipeline().get(UpstreamRelay.class);
			if (relay != null) {
				relay.unbind();
			}
			used.close();
		}
	}

	private void cancelTimeout() {
		if (this.timeout != null) {
			this.timeout.cancel(false);
			this.timeout = null;
		}
	}

	private void finish() {
		if (this.done) {
			return;
		}
		this.done = true;
		if (this.verdict.slot()) {
			this.fastPath.limits.release(this.verdict.mutating());
		}
		this.fastPath.audit(this.verdict.audit(), this.verdict.level(), this.code == 0 ? 200 : this.code);
		this.owner.exchangeDone(this.ctx, this);
	}

}
