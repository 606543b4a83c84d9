package io.stevedore.proxy.ingress.http;

import java.net.InetSocketAddress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of a backend connection: hands what the backend sends to the request it
 * currently serves ({@link Exchange}); while pooled it serves none, and anything arriving
 * or the idle timeout closes it.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

	private final BackendPool pool;

	private final InetSocketAddress endpoint;

	private Exchange exchange;

	BackendHandler(BackendPool pool, InetSocketAddress endpoint) {
		this.pool = pool;
		this.endpoint = endpoint;
	}

	void serve(Exchange exchange) {
		this.exchange = exchange;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		Exchange current = this.exchange;
		if (current == null) {
			ReferenceCountUtil.release(msg);
			ctx.close();
			return;
		}
		if (msg instanceof HttpResponse response) {
			current.onResponse(response);
		}
		if (msg instanceof HttpContent content) {
			current.onContent(content);
		}
		else if (!(msg instanceof HttpResponse)) {
			current.onTunnelData(msg);
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.exchange != null) {
			this.exchange.flushFrontend();
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		Exchange current = this.exchange;
		this.exchange = null;
		if (current != null) {
			current.backendFailed(false);
		}
		else {
			this.pool.closed(this.endpoint, ctx.channel());
		}
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (event instanceof IdleStateEvent) {
			Exchange current = this.exchange;
			this.exchange = null;
			if (current != null) {
				current.backendFailed(true);
			}
			ctx.close();
		}
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (this.exchange != null) {
			this.exchange.backendWritability(ctx.channel().isWritable());
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		ctx.close();
	}

}
