package io.stevedore.proxy.service.userspace;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.stevedore.proxy.service.model.Endpoint;

/**
 * UDP for one listener: each client address is a session with its own socket connected to
 * the endpoint the {@link Balancer} chose, so replies find their way back; the endpoint's
 * datagrams are sent to the client from the listening address. Sessions idle for
 * {@link #IDLE_NANOS} are closed.
 */
final class UdpRelay extends SimpleChannelInboundHandler<DatagramPacket> {

	static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

	private final Transport transport;

	private final Balancer balancer;

	private final Map<InetSocketAddress, Session> sessions = new ConcurrentHashMap<>();

	private UdpRelay(Transport transport, Balancer balancer) {
		this.transport = transport;
		this.balancer = balancer;
	}

	static ChannelFuture listen(Transport transport, InetSocketAddress address, Balancer balancer) {
		UdpRelay relay = new UdpRelay(transport, balancer);
		ChannelFuture bind = new Bootstrap().group(transport.group())
			.channel(transport.datagram())
			.handler(relay)
			.bind(address);
		bind.addListener((ChannelFutureListener) f -> {
			if (f.isSuccess()) {
				var sweep = f.channel().eventLoop().scheduleAtFixedRate(relay::expire, 5, 5, TimeUnit.SECONDS);
				f.channel().closeFuture().addListener(c -> {
					sweep.cancel(false);
					relay.sessions.values().forEach(s -> s.channel.channel().close());
				});
			}
		});
		return bind;
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
		InetSocketAddress client = packet.sender();
		Session session = this.sessions.get(client);
		if (session == null) {
			Endpoint endpoint = this.balancer.pick(client.getAddress().getHostAddress());
			if (endpoint == null) {
				return;
			}
			Channel listener = ctx.channel();
			ChannelFuture connect = new Bootstrap().group(ctx.channel().eventLoop())
				.channel(this.transport.datagram())
				.handler(new SimpleChannelInboundHandler<DatagramPacket>() {
					@Override
					protected void channelRead0(ChannelHandlerContext back, DatagramPacket reply) {
						Session s = UdpRelay.this.sessions.get(client);
						if (s != null) {
							s.lastUsed = System.nanoTime();
						}
						listener.writeAndFlush(new DatagramPacket(reply.content().retain(), client));
					}
				})
				.connect(new InetSocketAddress(endpoint.ip(), endpoint.port()));
			session = new Session(connect);
			this.sessions.put(client, session);
		}
		session.lastUsed = System.nanoTime();
		var content = packet.content().retain();
		session.channel.addListener((ChannelFutureListener) f -> {
			if (f.isSuccess()) {
				f.channel().writeAndFlush(content);
			}
			else {
				content.release();
				this.sessions.remove(client);
			}
		});
	}

	private void expire() {
		long now = System.nanoTime();
		this.sessions.entrySet().removeIf(e -> {
			boolean idle = now - e.getValue().lastUsed > IDLE_NANOS;
			if (idle) {
				e.getValue().channel.channel().close();
			}
			return idle;
		});
	}

	private static final class Session {

		final ChannelFuture channel;

		volatile long lastUsed = System.nanoTime();

		Session(ChannelFuture channel) {
			this.channel = channel;
		}

	}

}
