package io.stevedore.proxy.ingress.route;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where a matched request goes: the ready endpoints (pod address and target port, as
 * ingress-nginx balances over pod IPs directly instead of the ClusterIP) of one Service
 * port.
 *
 * @param name {@code namespace/service:port}, for logs and error bodies
 * @param endpoints the ready endpoints; empty means 503
 * @param problem why there are none (missing Service, unknown port), null otherwise
 */
public record Upstream(String name, List<InetSocketAddress> endpoints, String problem) {

	public Upstream {
		endpoints = List.copyOf(endpoints);
	}

}
