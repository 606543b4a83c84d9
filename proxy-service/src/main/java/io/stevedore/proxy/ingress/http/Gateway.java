package io.stevedore.proxy.ingress.http;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateHandler;
import io.stevedore.proxy.ingress.route.RouteTable;

/**
 * What every frontend connection shares: the current routes, the endpoint picker with its
 * breakers, the connection pool and the backend connection template.
 */
final class Gateway {

	/** The request decoder of a client connection. */
	static final String DECODER = "decoder";

	/**
	 * The response encoder of a client connection (which only the proxy's own answers go
	 * through).
	 */
	static final String ENCODER = "encoder";

	static final String PARSER = "parser";

	static final String IDLE = "idle";

	private final Bootstrap template;

	private final EndpointPicker picker;

	private final BackendPool pool;

	private final ProxySettings settings;

	private final Metrics metrics;

	private volatile RouteTable routes = RouteTable.EMPTY;

	/** Where HTTPS listens (for redirects), -1 when it does not. */
	private volatile int httpsPort = -1;

	Gateway(Class<? extends Channel> socketClass, EndpointPicker picker, ProxySettings settings, Metrics metrics) {
		this.template = new Bootstrap().channel(socketClass)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.SO_KEEPALIVE, true)
			.option(ChannelOption.ALLOCATOR, IngressServer.ALLOCATOR);
		this.picker = picker;
		this.pool = new BackendPool(settings.maxIdlePerEndpoint());
		this.settings = settings;
		this.metrics = metrics;
	}

	/** A new connection to {@code endpoint} on the caller's event loop. */
	ChannelFuture connect(EventLoop loop, InetSocketAddress endpoint) {
		long readTimeout = this.settings.readTimeout().toMillis();
		BackendPool backendPool = this.pool;
		return this.template.clone(loop).handler(new ChannelInitializer<Channel>() {
			@Override
			protected void initChannel(Channel ch) {
				ResponseParser parser = new ResponseParser();
				ch.pipeline()
					.addLast(IDLE, new IdleStateHandler(readTimeout, 0, 0, TimeUnit.MILLISECONDS))
					.addLast(PARSER, parser)
					.addLast(new BackendHandler(backendPool, endpoint, parser));
			}
		}).connect(endpoint);
	}

	RouteTable routes() {
		return this.routes;
	}

	void routes(RouteTable table) {
		this.routes = table;
	}

	int httpsPort() {
		return this.httpsPort;
	}

	void httpsPort(int port) {
		this.httpsPort = port;
	}

	EndpointPicker picker() {
		return this.picker;
	}

	BackendPool pool() {
		return this.pool;
	}

	ProxySettings settings() {
		return this.settings;
	}

	Metrics metrics() {
		return this.metrics;
	}

}
