package io.stevedore.proxy.service.model;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The desired state of a node's Service data plane, built from the informers' caches in
 * one go and never changed afterwards: a plane applies a whole state or nothing.
 *
 * @param ports every proxied Service port, sorted by name
 * @param nodeName this node
 * @param nodeAddresses where NodePorts listen on this node
 * @param problems Services (by {@code namespace/name}) the model could not use fully, and
 * why: they become Events
 */
public record ProxyState(List<ServicePort> ports, String nodeName, List<String> nodeAddresses,
		Map<String, String> problems) {

	public ProxyState {
		ports = List.copyOf(ports);
		nodeAddresses = List.copyOf(nodeAddresses);
		problems = Map.copyOf(problems);
	}

	public static ProxyState empty(String nodeName) {
		return new ProxyState(List.of(), nodeName, List.of(), Map.of());
	}

	public Map<ServicePortName, ServicePort> byName() {
		return this.ports.stream().collect(Collectors.toMap(ServicePort::name, Function.identity()));
	}

	/** The same state without some Services: what is left when a plane refuses them. */
	public ProxyState without(java.util.Set<String> serviceKeys) {
		return new ProxyState(this.ports.stream().filter(p -> !serviceKeys.contains(p.name().serviceKey())).toList(),
				this.nodeName, this.nodeAddresses, this.problems);
	}

}
