package io.stevedore.proxy.ingress.http;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SniHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.stevedore.proxy.ingress.route.RouteTable;
import io.stevedore.proxy.ingress.tls.Certificates;

/**
 * The Ingress's listeners: plain HTTP and HTTPS (TLS terminated here, certificate by SNI)
 * on Netty's epoll transport, one event loop per core shared by clients and backend
 * connections.
 */
public final class IngressServer implements AutoCloseable {

	/**
	 * Netty's pooled allocator for every Ingress connection: the default adaptive one
	 * copies a direct read buffer through a new {@code ByteBuffer} view for each header
	 * line the HTTP decoder takes out (a sixth of the bytes the Ingress allocated), the
	 * pooled one copies by address.
	 */
	static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

	private final EventLoopGroup group;

	private final Class<? extends ServerChannel> serverClass;

	private final Gateway gateway;

	private final Certificates certificates;

	private final List<Channel> listeners = new ArrayList<>();

	public IngressServer(int threads, EndpointPicker picker, ProxySettings settings, Metrics metrics) {
		boolean epoll = Epoll.isAvailable();
		// Named threads: "stevedore-ingress-N-M" in thread dumps, "stevedore-ingr" in
		// top.
		this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("stevedore-ingress"),
				epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
		this.serverClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
		this.gateway = new Gateway(epoll ? EpollSocketChannel.class : NioSocketChannel.class, picker, settings,
				metrics);
		this.certificates = new Certificates(this.gateway::routes);
	}

	/**
	 * Serves this table from now on (connections in flight keep their request's route).
	 */
	public void routes(RouteTable table) {
		this.gateway.routes(table);
	}

	public RouteTable routes() {
		return this.gateway.routes();
	}

	public EndpointPicker picker() {
		return this.gateway.picker();
	}

	/** The addresses bound, in the order listened. */
	public java.util.List<InetSocketAddress> addresses() {
		return this.listeners.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
	}

	public Certificates certificates() {
		return this.certificates;
	}

	/** Listens for HTTP on {@code address}; returns the bound address (port 0 = any). */
	public InetSocketAddress listenHttp(InetSocketAddress address) {
		return listen(address, false);
	}

	/** Listens for HTTPS on {@code address}; returns the bound address. */
	public InetSocketAddress listenHttps(InetSocketAddress address) {
		return listen(address, true);
	}

	private InetSocketAddress listen(InetSocketAddress address, boolean tls) {
		Gateway shared = this.gateway;
		Certificates certs = this.certificates;
		String scheme = tls ? "https" : "http";
		ChannelHandler initializer = new ChannelInitializer<Channel>() {
			@Override
			protected void initChannel(Channel ch) {
				if (tls) {
					ch.pipeline().addLast(new SniHandler(certs));
				}
				ch.pipeline()
					.addLast(Gateway.DECODER, new HttpRequestDecoder(8192, 16384, 65536))
					.addLast(Gateway.ENCODER, new HttpResponseEncoder())
					.addLast(new FrontendHandler(shared, scheme));
			}
		};
		try {
			Channel channel = new ServerBootstrap().group(this.group)
				.channel(this.serverClass)
				.option(ChannelOption.SO_BACKLOG, 1024)
				.option(ChannelOption.SO_REUSEADDR, true)
				.childOption(ChannelOption.TCP_NODELAY, true)
				.childOption(ChannelOption.SO_KEEPALIVE, true)
				.childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
				.childHandler(initializer)
				.bind(address)
				.sync()
				.channel();
			this.listeners.add(channel);
			InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
			if (tls) {
				this.gateway.httpsPort(bound.getPort());
			}
			return bound;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted binding the Ingress on " + address, ex);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("cannot listen for Ingress " + scheme + " on " + address.getHostString()
					+ ":" + address.getPort() + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public void close() {
		for (Channel listener : this.listeners) {
			listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
		}
		this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
	}

}
