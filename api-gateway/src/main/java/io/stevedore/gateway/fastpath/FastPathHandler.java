package io.stevedore.gateway.fastpath;

import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;

import javax.net.ssl.SSLPeerUnverifiedException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.stevedore.gateway.authn.Authentication;

/**
 * The fast path of one HTTP/1.1 connection or one h2 stream, between the HTTP codec and
 * Reactor Netty. For each request head it decides ({@link Eligibility}, then
 * {@link FastPath#decide}): a request it does not take goes on to Reactor untouched, with
 * its body; one it takes is refused here with a Status (401, 429, 403) or proxied by an
 * {@link Exchange}, and Reactor never sees it.
 *
 * <p>
 * HTTP/1.1 answers must leave in request order. A request that arrives while a reactive
 * answer is still being written goes to Reactor too (which queues pipelined requests);
 * one that arrives while an exchange runs here waits in {@link #pending}. Reactor's
 * server connections do not read on their own (auto-read off): after an answer of its own
 * the fast path asks for the next request.
 */
final class FastPathHandler extends ChannelDuplexHandler {

	/** Per connection: what its client certificate proves, and the client's address. */
	private static final AttributeKey<Peer> PEER = AttributeKey.valueOf("stevedore.fastPath.peer");

	private record Peer(Authentication certificate, String address) {
	}

	private final FastPath fastPath;

	private final boolean http2;

	private Exchange exchange;

	/** Forwarding the body of a request Reactor handles. */
	private boolean passing;

	/** Dropping the (empty) rest of a request answered here. */
	private boolean swallowing;

	/** HTTP/1.1: reactive answers not completely written yet. */
	private int reactiveInFlight;

	/** HTTP/1.1: what arrived while an exchange ran. */
	private final ArrayDeque<Object> pending = new ArrayDeque<>();

	/**
	 * @param http2 on an h2 stream's channel (its parent is the connection), else on an
	 * HTTP/1.1 connection's
	 */
	FastPathHandler(FastPath fastPath, boolean http2) {
		this.fastPath = fastPath;
		this.http2 = http2;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.exchange != null && !(this.swallowing && msg instanceof HttpContent) || !this.pending.isEmpty()) {
			this.pending.add(msg);
			return;
		}
		dispatch(ctx, msg);
	}

	private void dispatch(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest request) {
			QueryStringDecoder target = this.reactiveInFlight == 0 ? Eligibility.target(request) : null;
			FastPath.Verdict verdict = target == null ? FastPath.FALL_THROUGH
					: this.fastPath.decide(request, target, peer(ctx).certificate(), peer(ctx).address());
			if (verdict instanceof FastPath.FallThrough) {
				if (target != null || this.reactiveInFlight > 0 || isApiRequest(request)) {
					this.fastPath.countReactive();
				}
				if (!this.http2) {
					this.reactiveInFlight++;
				}
				this.passing = !(msg instanceof LastHttpContent);
				ctx.fireChannelRead(msg);
				return;
			}
			this.fastPath.countFast();
			this.swallowing = !(msg instanceof LastHttpContent);
			ReferenceCountUtil.release(msg);
			if (verdict instanceof FastPath.Refuse refuse) {
				refuse(ctx, request, refuse);
			}
			else {
				this.exchange = new Exchange(this.fastPath, this, ctx, request, (FastPath.Proxy) verdict, this.http2);
				this.exchange.start();
			}
			return;
		}
		if (msg instanceof HttpContent content && !this.passing && this.swallowing) {
			this.swallowing = !(content instanceof LastHttpContent);
			content.release();
			return;
		}
		if (msg instanceof LastHttpContent) {
			this.passing = false;
		}
		ctx.fireChannelRead(msg);
	}

	private static boolean isApiRequest(HttpRequest request) {
		String uri = request.uri();
		int end = uri.indexOf('?');
		return io.stevedore.gateway.routing.RoutingConfiguration.isApiPath(end < 0 ? uri : uri.substring(0, end));
	}

	private void refuse(ChannelHandlerContext ctx, HttpRequest request, FastPath.Refuse refuse) {
		boolean close = !this.http2 && !HttpUtil.isKeepAlive(request);
		HttpResponse response = Replies.status(refuse.status(), refuse.audit().auditId(), refuse.retryAfter(),
				HttpMethod.HEAD.equals(request.method()));
		if (close) {
			response.headers().set("Connection", "close");
		}
		ctx.writeAndFlush(response).addListener((ChannelFutureListener) (written) -> {
			if (close || !written.isSuccess()) {
				written.channel().close();
			}
		});
		this.fastPath.audit(refuse.audit(), refuse.level(), refuse.status().getCode());
		readNext(ctx);
	}

	/** An exchange ended: requests that waited go on, or the next one is read. */
	void exchangeDone(ChannelHandlerContext ctx, Exchange done) {
		if (this.exchange == done) {
			this.exchange = null;
		}
		readNext(ctx);
	}

	private void readNext(ChannelHandlerContext ctx) {
		if (this.http2) {
			return;
		}
		while (this.exchange == null && !this.pending.isEmpty()) {
			dispatch(ctx, this.pending.poll());
		}
		if (this.exchange == null && this.reactiveInFlight == 0 && ctx.channel().isActive()) {
			ctx.read();
		}
	}

	/**
	 * Counts the reactive answers as they complete, for the order of HTTP/1.1 answers.
	 */
	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!this.http2 && msg instanceof LastHttpContent && this.reactiveInFlight > 0
				&& !(msg instanceof HttpResponse response
						&& response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
			this.reactiveInFlight--;
		}
		ctx.write(msg, promise);
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (this.exchange != null) {
			this.exchange.clientWritabilityChanged(ctx.channel().isWritable());
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (this.exchange != null) {
			this.exchange.clientClosed();
		}
		releasePending();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		releasePending();
	}

	private void releasePending() {
		Object msg;
		while ((msg = this.pending.poll()) != null) {
			ReferenceCountUtil.release(msg);
		}
	}

	private Peer peer(ChannelHandlerContext ctx) {
		Channel connection = this.http2 ? ctx.channel().parent() : ctx.channel();
		Peer peer = connection.attr(PEER).get();
		if (peer == null) {
			peer = new Peer(this.fastPath.authenticator.certificate(clientCertificate(connection)),
					address(connection));
			connection.attr(PEER).set(peer);
		}
		return peer;
	}

	private static X509Certificate clientCertificate(Channel connection) {
		SslHandler ssl = connection.pipeline().get(SslHandler.class);
		if (ssl == null) {
			return null;
		}
		try {
			Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
			return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
		}
		catch (SSLPeerUnverifiedException ex) {
			return null;
		}
	}

	private static String address(Channel connection) {
		return connection.remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null
				? remote.getAddress().getHostAddress() : null;
	}

}
