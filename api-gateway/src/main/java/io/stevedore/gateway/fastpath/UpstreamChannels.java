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
	static final int MAX_IDLE = 16;

	/** Open connections per event loop and apiserver, as wired. */
	static final int MAX_CONNECTIONS = 16;

	/** Opens a connection on {@code loop} whose pipeline {@code handler} initialises. */
	interface Connector {

		ChannelFuture connect(EventLoop loop, Class<? extends Channel> type, URI url, ChannelHandler handler);

	}

	private final Connector connector;

	private final int maxConnections;

	private final Map<EventLoop, Map<URI, Connections>> connections = new ConcurrentHashMap<>();

	/**
	 * @param maxConnections open connections per event loop and apiserver; a request that
	 * finds all busy waits for one (a burst of new connections overflows the apiserver's
	 * accept queue, and the refused connects would trip its circuit breaker)
	 */
	UpstreamChannels(Connector connector, int maxConnections) {
		this.connector = connector;
		this.maxConnections = maxConnections;
	}

	/** One event loop's connections to one apiserver; touched on that loop only. */
	private static final class Connections {

		final ArrayDeque<Channel> idle = new ArrayDeque<>();

		final ArrayDeque<Promise<Channel>> waiting = new ArrayDeque<>();

		int open;

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

	/** An idle connection, a new one, or the next one released; on {@code loop} only. */
	Future<Channel> acquire(EventLoop loop, Class<? extends Channel> type, URI url) {
		Connections pool = pool(loop, url);
		Channel channel;
		while ((channel = pool.idle.pollLast()) != null) {
			if (channel.isActive()) {
				return loop.newSucceededFuture(channel);
			}
		}
		Promise<Channel> promise = loop.newPromise();
		if (pool.open < this.maxConnections) {
			connect(loop, type, url, pool, promise);
		}
		else {
			pool.waiting.add(promise);
		}
		return promise;
	}

	private void connect(EventLoop loop, Class<? extends Channel> type, URI url, Connections pool,
			Promise<Channel> promise) {
		pool.open++;
		ChannelFuture connecting = this.connector.connect(loop, type, url, new ChannelInitializer<>() {
			@Override
			protected void initChannel(Channel ch) {
				ch.pipeline().addLast(new HttpClientCodec(), new UpstreamRelay());
			}
		});
		connecting.addListener((done) -> {
			if (done.isSuccess()) {
				Channel channel = connecting.channel();
				channel.closeFuture().addListener((closed) -> closed(loop, type, url, pool, channel));
				promise.setSuccess(channel);
			}
			else {
				pool.open--;
				promise.setFailure(done.cause());
			}
		});
	}

	/** A connection is gone: its slot goes to the next request waiting, if any. */
	private void closed(EventLoop loop, Class<? extends Channel> type, URI url, Connections pool, Channel channel) {
		pool.open--;
		pool.idle.remove(channel);
		Promise<Channel> next = pool.waiting.poll();
		if (next != null) {
			connect(loop, type, url, pool, next);
		}
	}

	/** Back after a complete keep-alive exchange; on {@code loop} only. */
	void release(EventLoop loop, URI url, Channel channel) {
		if (!channel.isActive()) {
			return;
		}
		Connections pool = pool(loop, url);
		Promise<Channel> next = pool.waiting.poll();
		if (next != null) {
			next.setSuccess(channel);
			return;
		}
		if (pool.idle.size() >= MAX_IDLE) {
			channel.close();
			return;
		}
		// read while idle, so an apiserver closing the connection is noticed
		channel.config().setAutoRead(true);
		pool.idle.addLast(channel);
	}

	private Connections pool(EventLoop loop, URI url) {
		return this.connections.computeIfAbsent(loop, (key) -> new HashMap<>())
			.computeIfAbsent(url, (key) -> new Connections());
	}

}
