package io.stevedore.proxy.ingress.http;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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

	private final ResponseParser parser;

	BackendHandler(BackendPool pool, InetSocketAddress endpoint, ResponseParser parser) {
		this.pool = pool;
		this.endpoint = endpoint;
		this.parser = parser;
	}

	ResponseParser parser() {
		return this.parser;
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
		if (msg instanceof ByteBuf body) {
			current.onBody(body);
		}
		else if (msg == ResponseParser.END) {
			current.onEnd();
		}
		else if (msg instanceof ResponseHead head) {
			current.onResponse(head);
		}
		else {
			ReferenceCountUtil.release(msg);
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
