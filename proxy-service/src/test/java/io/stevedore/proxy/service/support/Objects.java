package io.stevedore.proxy.service.support;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

/** Builders of the Services and EndpointSlices tests feed the proxy. */
public final class Objects {

	private Objects() {
	}

	public static ServicePort port(String name, String protocol, int port, Integer nodePort) {
		return new ServicePortBuilder().withName(name)
			.withProtocol(protocol)
			.withPort(port)
			.withNodePort(nodePort)
			.build();
	}

	public static ServiceBuilder serviceBuilder(String namespace, String name, String clusterIp, ServicePort... ports) {
		return new ServiceBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withType("ClusterIP")
			.withClusterIP(clusterIp)
			.withPorts(ports)
			.endSpec();
	}

	public static Service service(String name, String clusterIp, ServicePort... ports) {
		return serviceBuilder("default", name, clusterIp, ports).build();
	}

	public static Endpoint endpoint(String ip, boolean ready, boolean terminating, String node) {
		return new EndpointBuilder().withAddresses(ip)
			.withNodeName(node)
			.withNewConditions()
			.withReady(ready)
			.withServing(ready)
			.withTerminating(terminating)
			.endConditions()
			.build();
	}

	/**
	 * A slice of {@code service} with one port {@code portName/protocol -> targetPort}.
	 */
	public static EndpointSlice slice(String namespace, String name, String service, String portName, String protocol,
			int targetPort, List<Endpoint> endpoints) {
		return new EndpointSliceBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.withLabels(Map.of("kubernetes.io/service-name", service))
			.endMetadata()
			.withAddressType("IPv4")
			.withPorts(new EndpointPortBuilder().withName(portName).withProtocol(protocol).withPort(targetPort).build())
			.withEndpoints(endpoints)
			.build();
	}

}
