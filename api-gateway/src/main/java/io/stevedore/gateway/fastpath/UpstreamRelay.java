package io.stevedore.gateway.fastpath;

import java.io.IOException;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an apiserver connection: hands the response (HttpResponse,
 * HttpContent..., LastHttpContent) to the {@link Exchange} it serves; an idle connection
 * drops whatever comes.
 */
final class UpstreamRelay extends ChannelInboundHandlerAdapter {

	private Exchange exchange;

	void bind(Exchange exchange) {
		this.exchange = exchange;
	}

	void unbind() {
		this.exchange = null;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.exchange == null) {
			ReferenceCountUtil.release(msg);
			return;
		}
		this.exchange.fromUpstream(msg);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.exchange != null) {
			this.exchange.upstreamReadComplete();
		}
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		Exchange serving = this.exchange;
		this.exchange = null;
		if (serving != null) {
			serving.upstreamFailed(new IOException("the apiserver closed the connection"));
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		Exchange serving = this.exchange;
		this.exchange = null;
		if (serving != null) {
			serving.upstreamFailed(cause);
		}
		ctx.close();
	}

}
