package io.stevedore.proxy.service.userspace;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Netty's NIO transport, not the native epoll one. With epoll (Netty 4.2.17), a
 * connection whose input had ended (the endpoint's FIN, relayed as half-close) lost its
 * registration: the next write that had to wait for the socket to drain failed in
 * {@code epoll_ctl} with ENOENT, Netty shut the output, and the tail of what the client
 * still sent was cut off (TcpRelayTest's half-close case lost 13-220 KiB of 4 MiB in ~1
 * of 12 runs). NIO relays as fast here: ProxyBenchmark userspace, interleaved,
 * 50,900-59,800 req/s and 14.5-17.4 µs of CPU per request against epoll's 51,900-56,400
 * and 14.9-16.4 (docs/benchmarks.md).
 */
record Transport(EventLoopGroup group, Class<? extends ServerChannel> server, Class<? extends Channel> socket,
		Class<? extends Channel> datagram) {

	static Transport create(int threads) {
		// Named, so that a profile or /proc tells the relay's threads apart.
		DefaultThreadFactory names = new DefaultThreadFactory("stevedore-userspace");
		return new Transport(new MultiThreadIoEventLoopGroup(threads, names, NioIoHandler.newFactory()),
				NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class);
	}

}
