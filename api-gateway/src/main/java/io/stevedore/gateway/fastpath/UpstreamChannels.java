package io.stevedore.gateway.fastpath;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Keep-alive plain HTTP/1.1 connections to the apiservers, pooled per event loop: a
 * request is relayed on a connection of the event loop its client connection lives on, so
 * no byte changes threads. Only touched on that event loop (each loop's own map).
 */
final class UpstreamChannels {

	/** Idle connections kept per event loop and apiserver. */
	static final int MAX_IDLE = 64;

	/** Opens a connection on {@code loop} whose pipeline {@code handler} initialises. */
	interface Connector {

		ChannelFuture connect(EventLoop loop, Class<? extends Channel> type, URI url, ChannelHandler handler);

	}

	private final Connector connector;

	private final Map<EventLoop, Map<URI, ArrayDeque<Channel>>> idle = new ConcurrentHashMap<>();

	UpstreamChannels(Connector connector) {
		this.connector = connector;
	}

	/** TCP connections of the server connection's own socket type. */
	static Connector sockets(int connectTimeoutMillis) {
		return (loop, type, url, handler) -> new Bootstrap().group(loop)
			.channel(type)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
			.option(ChannelOption.TCP_NODELAY, true)
			.handler(handler)
			.connect(url.getHost(), url.getPort() < 0 ? 80 : url.getPort());
	}

	/** An idle connection, or a new one; on {@code loop} only. */
	Future<Channel> acquire(EventLoop loop, Class<? extends Channel> type, URI url) {
		ArrayDeque<Channel> idle = idle(loop, url);
		Channel channel;
		while ((channel = idle.pollLast()) != null) {
			if (channel.isActive()) {
				return loop.newSucceededFuture(channel);
			}
		}
		Promise<Channel> promise = loop.newPromise();
		ChannelFuture connecting = this.connector.connect(loop, type, url, new ChannelInitializer<>() {
			@Override
			protected void initChannel(Channel ch) {
				ch.pipeline().addLast(new HttpClientCodec(), new UpstreamRelay());
			}
		});
		connecting.addListener((done) -> {
			if (done.isSuccess()) {
				promise.setSuccess(connecting.channel());
			}
			else {
				promise.setFailure(done.cause());
			}
		});
		return promise;
	}

	/** Back to the pool after a complete keep-alive exchange; on {@code loop} only. */
	void release(EventLoop loop, URI url, Channel channel) {
		if (!channel.isActive()) {
			return;
		}
		ArrayDeque<Channel> idle = idle(loop, url);
		if (idle.size() >= MAX_IDLE) {
			channel.close();
			return;
		}
		// read while idle, so an apiserver closing the connection is noticed
		channel.config().setAutoRead(true);
		idle.addLast(channel);
	}

	private ArrayDeque<Channel> idle(EventLoop loop, URI url) {
		return this.idle.computeIfAbsent(loop, (key) -> new HashMap<>())
			.computeIfAbsent(url, (key) -> new ArrayDeque<>());
	}

}
