package io.stevedore.proxy.ingress.http;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.stevedore.proxy.ingress.route.RouteTable;
import io.stevedore.proxy.ingress.route.Upstream;

/**
 * A client connection: routes each request and runs one {@link Exchange} at a time.
 * Requests a client pipelines wait in {@code queued} until the current response is
 * complete (the connection is not read meanwhile).
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

	/** Reasons to stop reading the client: body held while connecting. */
	static final int PENDING = 1;

	/** Too many pipelined requests waiting. */
	static final int QUEUED = 2;

	/** The backend does not take the body as fast as it comes. */
	static final int BACKPRESSURE = 4;

	private static final int MAX_QUEUED = 64;

	private final Gateway gateway;

	/**
	 * Why reading is off (bits above); changed only on need, since each change is an
	 * epoll_ctl call.
	 */
	private int paused;

	private final String scheme;

	/** X-Forwarded-For, X-Real-IP, -Port and -Proto of this connection. */
	private byte[] forwarded;

	private ChannelHandlerContext ctx;

	private Exchange exchange;

	private final ArrayDeque<Object> queued = new ArrayDeque<>(0);

	private Channel tunnel;

	/** The last response said {@code Connection: close}: nothing more is read. */
	private boolean closing;

	FrontendHandler(Gateway gateway, String scheme) {
		this.gateway = gateway;
		this.scheme = scheme;
	}

	/** The response encoder's context: writing there passes it by. */
	private ChannelHandlerContext raw;

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
		this.raw = ctx.pipeline().context(Gateway.ENCODER);
	}

	ChannelHandlerContext raw() {
		return this.raw;
	}

	byte[] forwarded() {
		if (this.forwarded == null) {
			InetSocketAddress client = (InetSocketAddress) this.ctx.channel().remoteAddress();
			InetSocketAddress local = (InetSocketAddress) this.ctx.channel().localAddress();
			this.forwarded = Headers.forwardedLines(client.getAddress().getHostAddress(), local.getPort(), this.scheme);
		}
		return this.forwarded;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.tunnel != null) {
			this.tunnel.write(msg, this.tunnel.voidPromise());
			return;
		}
		if (this.closing) {
			ReferenceCountUtil.release(msg);
			return;
		}
		if (!this.queued.isEmpty() || (this.exchange != null && (msg instanceof HttpRequest))) {
			this.queued.add(msg);
			if (this.queued.size() >= MAX_QUEUED) {
				pause(QUEUED);
			}
			return;
		}
		dispatch(msg);
	}

	private void dispatch(Object msg) {
		if (msg instanceof HttpRequest request) {
			start(request);
		}
		if (msg instanceof HttpContent content) {
			if (this.exchange == null) {
				content.release();
			}
			else {
				this.exchange.content(content);
			}
		}
		else if (!(msg instanceof HttpRequest)) {
			ReferenceCountUtil.release(msg);
		}
	}

	private void start(HttpRequest request) {
		if (!request.decoderResult().isSuccess()) {
			this.gateway.metrics().answered(400);
			this.ctx.writeAndFlush(Responses.of(HttpResponseStatus.BAD_REQUEST, false, false))
				.addListener(ChannelFutureListener.CLOSE);
			this.ctx.channel().config().setAutoRead(false);
			return;
		}
		HttpVersion version = request.protocolVersion();
		boolean head = HttpMethod.HEAD.equals(request.method());
		boolean upgrade = Headers.isUpgrade(request.headers());
		boolean bodyless = !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
		boolean replayable = bodyless && !upgrade && idempotent(request.method());
		Exchange next = new Exchange(this, this.ctx, this.gateway, request, version, HttpUtil.isKeepAlive(request),
				head, upgrade, replayable);
		this.exchange = next;
		if (HttpUtil.is100ContinueExpected(request)) {
			this.ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE),
					this.ctx.voidPromise());
			request.headers().remove(HttpHeaderNames.EXPECT);
		}
		String host = request.headers().get(HttpHeaderNames.HOST);
		RouteTable routes = this.gateway.routes();
		int httpsPort = this.gateway.httpsPort();
		if (!"https".equals(this.scheme) && httpsPort > 0 && routes.httpsOnly(host)) {
			String uri = request.uri().startsWith("/") ? request.uri() : path(request.uri());
			next.redirect(
					"https://" + RouteTable.normalizeHost(host) + ((httpsPort == 443) ? "" : ":" + httpsPort) + uri);
			return;
		}
		Upstream upstream = routes.route(host, path(request.uri()));
		if (upstream == null) {
			next.fail(HttpResponseStatus.NOT_FOUND);
			return;
		}
		if (upstream.endpoints().isEmpty()) {
			next.fail(HttpResponseStatus.SERVICE_UNAVAILABLE);
			return;
		}
		Headers.stripHopByHop(request.headers(), upgrade);
		Headers.removeForwarded(request.headers());
		request.setProtocolVersion(HttpVersion.HTTP_1_1);
		next.forward(upstream, host);
	}

	private static boolean idempotent(HttpMethod method) {
		return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
				|| HttpMethod.PUT.equals(method) || HttpMethod.DELETE.equals(method) || HttpMethod.TRACE.equals(method);
	}

	/** The path of an origin-form or absolute-form request target, without query. */
	static String path(String uri) {
		int start = 0;
		if (!uri.startsWith("/")) {
			int scheme = uri.indexOf("://");
			start = (scheme < 0) ? 0 : uri.indexOf('/', scheme + 3);
			if (start < 0) {
				return "/";
			}
		}
		int end = uri.length();
		int query = uri.indexOf('?', start);
		if (query >= 0) {
			end = query;
		}
		int fragment = uri.indexOf('#', start);
		if (fragment >= 0 && fragment < end) {
			end = fragment;
		}
		String path = uri.substring(start, end);
		return path.isEmpty() ? "/" : path;
	}

	/** The exchange is complete; reads the next request unless the connection closes. */
	void finished(Exchange done, boolean keepAlive) {
		if (this.exchange != done) {
			return;
		}
		this.exchange = null;
		if (!keepAlive) {
			this.closing = true;
			return;
		}
		while (!this.queued.isEmpty()) {
			Object next = this.queued.peek();
			if (this.exchange != null && (next instanceof HttpRequest || this.exchange.requestComplete)) {
				break;
			}
			dispatch(this.queued.poll());
		}
		if (this.queued.size() < MAX_QUEUED) {
			resume(QUEUED);
		}
	}

	void pause(int reason) {
		if (this.paused == 0) {
			this.ctx.channel().config().setAutoRead(false);
		}
		this.paused |= reason;
	}

	void resume(int reasons) {
		if ((this.paused & reasons) == 0) {
			return;
		}
		this.paused &= ~reasons;
		if (this.paused == 0) {
			this.ctx.channel().config().setAutoRead(true);
		}
	}

	/** After a 101: bytes from the client go to {@code peer} as they are. */
	void tunnelTo(Channel peer) {
		this.tunnel = peer;
		for (Object msg : this.queued) {
			if (msg instanceof LastHttpContent || msg instanceof HttpRequest) {
				ReferenceCountUtil.release(msg);
			}
			else if (msg instanceof HttpContent content) {
				peer.write(content.content(), peer.voidPromise());
			}
			else {
				peer.write(msg, peer.voidPromise());
			}
		}
		this.queued.clear();
		peer.flush();
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.tunnel != null) {
			this.tunnel.flush();
		}
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (this.exchange != null) {
			this.exchange.frontendWritability(ctx.channel().isWritable());
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (this.exchange != null) {
			this.exchange.abort();
			this.exchange = null;
		}
		Object msg;
		while ((msg = this.queued.poll()) != null) {
			ReferenceCountUtil.release(msg);
		}
		if (this.tunnel != null) {
			this.tunnel.close();
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		ctx.close();
	}

}
