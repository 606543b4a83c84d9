package io.stevedore.proxy.service.userspace;

import java.net.InetSocketAddress;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.stevedore.proxy.service.model.Endpoint;

/**
 * TCP for one listener: every accepted connection gets an endpoint from the
 * {@link Balancer} and the bytes are spliced both ways. Back-pressure: each side reads
 * its next chunk only once the previous one was written to the other side, so a slow peer
 * slows the fast one instead of filling memory. When the endpoint cannot be reached the
 * client's connection is reset at once.
 */
final class TcpRelay {

	private TcpRelay() {
	}

	static ChannelFuture listen(Transport transport, InetSocketAddress address, Balancer balancer) {
		return new ServerBootstrap().group(transport.group())
			.channel(transport.server())
			.option(ChannelOption.SO_REUSEADDR, true)
			.option(ChannelOption.SO_BACKLOG, 1024)
			.childOption(ChannelOption.AUTO_READ, false)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<>() {
				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline().addLast(new Frontend(transport, balancer));
				}
			})
			.bind(address);
	}

	/** Closes after what is queued was written. */
	static void closeOnFlush(Channel channel) {
		if (channel.isActive()) {
			channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
		}
	}

	static void reset(Channel channel) {
		if (channel.isOpen()) {
			channel.config().setOption(ChannelOption.SO_LINGER, 0);
		}
		channel.close();
	}

	private static final class Frontend extends ChannelInboundHandlerAdapter {

		private final Transport transport;

		private final Balancer balancer;

		private Channel backend;

		Frontend(Transport transport, Balancer balancer) {
			this.transport = transport;
			this.balancer = balancer;
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			Channel inbound = ctx.channel();
			String client = ((InetSocketAddress) inbound.remoteAddress()).getAddress().getHostAddress();
			Endpoint endpoint = this.balancer.pick(client);
			if (endpoint == null) {
				reset(inbound);
				return;
			}
			ChannelFuture connect = new Bootstrap().group(inbound.eventLoop())
				.channel(this.transport.socket())
				.option(ChannelOption.AUTO_READ, false)
				.option(ChannelOption.TCP_NODELAY, true)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
				.handler(new Backend(inbound))
				.connect(new InetSocketAddress(endpoint.ip(), endpoint.port()));
			this.backend = connect.channel();
			connect.addListener((ChannelFutureListener) f -> {
				if (f.isSuccess()) {
					inbound.read();
				}
				else {
					reset(inbound);
				}
			});
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			this.backend.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
				if (f.isSuccess()) {
					ctx.channel().read();
				}
				else {
					f.channel().close();
					ctx.channel().close();
				}
			});
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (this.backend != null) {
				closeOnFlush(this.backend);
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			closeOnFlush(ctx.channel());
		}

	}

	private static final class Backend extends ChannelInboundHandlerAdapter {

		private final Channel inbound;

		Backend(Channel inbound) {
			this.inbound = inbound;
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			ctx.read();
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			this.inbound.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
				if (f.isSuccess()) {
					ctx.channel().read();
				}
				else {
					f.channel().close();
					ctx.channel().close();
				}
			});
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			closeOnFlush(this.inbound);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			closeOnFlush(ctx.channel());
		}

	}

}
