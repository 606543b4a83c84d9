package io.stevedore.proxy.service.userspace;

import java.net.InetSocketAddress;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.stevedore.proxy.service.model.Endpoint;

/**
 * TCP for one listener: every accepted connection gets an endpoint from the
 * {@link Balancer} and the bytes are relayed both ways by a {@link Splice} on each side.
 * Both connections of a pair live on one event loop, so the relay needs no locking and no
 * task hand-over between threads. The client's connection reads nothing until the
 * endpoint's is connected; when the endpoint cannot be reached (or there is none) the
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
			.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
			.childHandler(new ChannelInitializer<>() {
				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline().addLast(new Frontend(transport, balancer));
				}
			})
			.bind(address);
	}

	/** The client's side: picks the endpoint, connects to it, then relays. */
	private static final class Frontend extends Splice {

		private final Transport transport;

		private final Balancer balancer;

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
				.option(ChannelOption.TCP_NODELAY, true)
				.option(ChannelOption.ALLOW_HALF_CLOSURE, true)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
				.handler(new Splice(inbound))
				.connect(new InetSocketAddress(endpoint.ip(), endpoint.port()));
			peerConnecting(connect.channel());
			connect.addListener((ChannelFutureListener) f -> {
				if (f.isSuccess() && inbound.isActive()) {
					// From now on the client's bytes have somewhere to go.
					peerConnected(inbound);
				}
				else if (f.isSuccess()) {
					// The client left while this connected.
					f.channel().close();
				}
				else {
					reset(inbound);
				}
			});
		}

	}

}
