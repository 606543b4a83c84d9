package io.stevedore.proxy.service.userspace;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.stevedore.proxy.service.model.Endpoint;

/**
 * Chooses the endpoint of each new connection of one Service port: round robin over the
 * ready endpoints, or, with ClientIP affinity, the endpoint the client used last while it
 * is still ready and the affinity has not timed out. The endpoint list is swapped whole
 * on every sync; connections already made keep their endpoint.
 */
final class Balancer {

	private volatile List<Endpoint> endpoints;

	private volatile long affinityNanos;

	private final AtomicInteger next = new AtomicInteger();

	private final Map<String, Sticky> affinity = new ConcurrentHashMap<>();

	Balancer(List<Endpoint> endpoints, int affinitySeconds) {
		update(endpoints, affinitySeconds);
	}

	void update(List<Endpoint> endpoints, int affinitySeconds) {
		this.endpoints = List.copyOf(endpoints);
		this.affinityNanos = affinitySeconds * 1_000_000_000L;
		if (affinitySeconds == 0) {
			this.affinity.clear();
		}
		else {
			this.affinity.values().removeIf(s -> !endpoints.contains(s.endpoint));
		}
	}

	boolean isEmpty() {
		return this.endpoints.isEmpty();
	}

	/**
	 * The endpoint for a new connection from {@code clientIp}, null when there is none.
	 */
	Endpoint pick(String clientIp) {
		List<Endpoint> current = this.endpoints;
		if (current.isEmpty()) {
			return null;
		}
		long now = System.nanoTime();
		if (this.affinityNanos > 0) {
			Sticky sticky = this.affinity.get(clientIp);
			if (sticky != null && now - sticky.lastUsed < this.affinityNanos && current.contains(sticky.endpoint)) {
				sticky.lastUsed = now;
				return sticky.endpoint;
			}
		}
		Endpoint chosen = current.get(Math.floorMod(this.next.getAndIncrement(), current.size()));
		if (this.affinityNanos > 0) {
			this.affinity.put(clientIp, new Sticky(chosen, now));
		}
		return chosen;
	}

	private static final class Sticky {

		final Endpoint endpoint;

		volatile long lastUsed;

		Sticky(Endpoint endpoint, long lastUsed) {
			this.endpoint = endpoint;
			this.lastUsed = lastUsed;
		}

	}

}
