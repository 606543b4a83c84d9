package io.stevedore.proxy.ingress.http;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Idle keep-alive connections to endpoints, one pool per event loop: a frontend
 * connection's backend connections live on its own event loop, so taking and returning
 * one never locks or hops threads. The most recently used connection is taken first
 * (least likely to have been closed by the backend's idle timeout).
 */
final class BackendPool {

	private final int maxIdlePerEndpoint;

	private final FastThreadLocal<Map<InetSocketAddress, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
		@Override
		protected Map<InetSocketAddress, ArrayDeque<Channel>> initialValue() {
			return new HashMap<>();
		}
	};

	BackendPool(int maxIdlePerEndpoint) {
		this.maxIdlePerEndpoint = maxIdlePerEndpoint;
	}

	/** An open idle connection to {@code endpoint} on this event loop, or null. */
	Channel take(InetSocketAddress endpoint) {
		ArrayDeque<Channel> channels = this.idle.get().get(endpoint);
		if (channels == null) {
			return null;
		}
		Channel channel;
		while ((channel = channels.pollLast()) != null) {
			if (channel.isActive()) {
				return channel;
			}
		}
		return null;
	}

	/** Keeps an open connection for reuse; closes it when the pool is full. */
	void give(InetSocketAddress endpoint, Channel channel) {
		if (!channel.isActive()) {
			return;
		}
		ArrayDeque<Channel> channels = this.idle.get().computeIfAbsent(endpoint, e -> new ArrayDeque<>());
		if (channels.size() >= this.maxIdlePerEndpoint) {
			channel.close();
			return;
		}
		channels.addLast(channel);
	}

	/** Forgets an idle connection that closed (called on its event loop). */
	void closed(InetSocketAddress endpoint, Channel channel) {
		ArrayDeque<Channel> channels = this.idle.get().get(endpoint);
		if (channels != null) {
			channels.remove(channel);
		}
	}

}
