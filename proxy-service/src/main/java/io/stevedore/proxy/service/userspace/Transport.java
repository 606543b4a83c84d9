package io.stevedore.proxy.service.userspace;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Netty's native epoll transport when the platform has it (Linux), NIO otherwise. */
record Transport(EventLoopGroup group, Class<? extends ServerChannel> server, Class<? extends Channel> socket,
		Class<? extends Channel> datagram) {

	static Transport create(int threads) {
		// Named, so that a profile or /proc tells the relay's threads apart.
		DefaultThreadFactory names = new DefaultThreadFactory("stevedore-userspace");
		if (Epoll.isAvailable()) {
			return new Transport(new MultiThreadIoEventLoopGroup(threads, names, EpollIoHandler.newFactory()),
					EpollServerSocketChannel.class, EpollSocketChannel.class, EpollDatagramChannel.class);
		}
		return new Transport(new MultiThreadIoEventLoopGroup(threads, names, NioIoHandler.newFactory()),
				NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class);
	}

}
