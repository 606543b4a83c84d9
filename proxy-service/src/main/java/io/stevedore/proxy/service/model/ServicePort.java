package io.stevedore.proxy.service.model;

import java.util.List;
import java.util.Objects;

/**
 * Everything a data plane needs for one Service port: where clients connect (ClusterIP,
 * NodePort on the node's addresses, externalIPs, load-balancer IPs) and where traffic
 * goes (the endpoints). Immutable.
 *
 * @param name the port's name
 * @param clusterIp the Service's IPv4 ClusterIP
 * @param port the Service port
 * @param nodePort the NodePort, 0 when none
 * @param externalIps externalIPs and load-balancer ingress IPs this node answers on
 * @param affinitySeconds ClientIP session affinity timeout, 0 for none
 * @param externalLocal externalTrafficPolicy Local: external traffic only to this node's
 * endpoints, source address kept
 * @param endpoints every endpoint of the port, sorted by address
 */
public record ServicePort(ServicePortName name, String clusterIp, int port, int nodePort, List<String> externalIps,
		int affinitySeconds, boolean externalLocal, List<Endpoint> endpoints) {

	public ServicePort {
		Objects.requireNonNull(name, "name");
		externalIps = List.copyOf(externalIps);
		endpoints = List.copyOf(endpoints);
	}

	public Protocol protocol() {
		return this.name.protocol();
	}

	/** Endpoints that may receive new connections. */
	public List<Endpoint> readyEndpoints() {
		return this.endpoints.stream().filter(Endpoint::ready).toList();
	}

	/**
	 * Ready endpoints on the given node: the targets of external traffic with policy
	 * Local.
	 */
	public List<Endpoint> readyLocalEndpoints(String nodeName) {
		return this.endpoints.stream().filter(e -> e.ready() && Objects.equals(e.nodeName(), nodeName)).toList();
	}

	public boolean hasExternalEntry() {
		return this.nodePort > 0 || !this.externalIps.isEmpty();
	}

}
