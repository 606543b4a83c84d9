package io.stevedore.proxy.service.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * Builds the {@link ProxyState} from Services and EndpointSlices as kube-proxy reads
 * them: Services labelled {@code service.kubernetes.io/service-proxy-name} belong to
 * another proxy, headless and ExternalName Services have nothing to proxy, IPv6 and SCTP
 * are skipped. Slices are joined to their Service by the
 * {@code kubernetes.io/service-name} label and to its ports by port name and protocol;
 * the slice port carries the target port already resolved for its endpoints, which is how
 * named target ports work.
 */
public final class StateBuilder {

	public static final String SERVICE_PROXY_NAME = "service.kubernetes.io/service-proxy-name";

	public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

	private StateBuilder() {
	}

	public static ProxyState build(Collection<Service> services, Collection<EndpointSlice> slices, String nodeName,
			List<String> nodeAddresses) {
		Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
		for (EndpointSlice slice : slices) {
			Map<String, String> labels = slice.getMetadata().getLabels();
			String service = (labels != null) ? labels.get(SERVICE_NAME_LABEL) : null;
			if (service != null && "IPv4".equals(slice.getAddressType())) {
				slicesByService
					.computeIfAbsent(slice.getMetadata().getNamespace() + "/" + service, k -> new ArrayList<>())
					.add(slice);
			}
		}
		List<ServicePort> ports = new ArrayList<>();
		Map<String, String> problems = new TreeMap<>();
		for (Service service : services) {
			if (!proxied(service)) {
				continue;
			}
			String key = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
			String clusterIp = service.getSpec().getClusterIP();
			if (!Ipv4.isValid(clusterIp)) {
				problems.put(key, "clusterIP " + clusterIp + " is not an IPv4 address");
				continue;
			}
			List<String> external = externalIps(service, key, problems);
			int affinity = affinitySeconds(service);
			boolean local = "Local".equals(service.getSpec().getExternalTrafficPolicy());
			for (var port : service.getSpec().getPorts()) {
				Protocol protocol = protocol(port.getProtocol());
				if (protocol == null) {
					continue;
				}
				ServicePortName name = new ServicePortName(service.getMetadata().getNamespace(),
						service.getMetadata().getName(), port.getName() == null ? "" : port.getName(), protocol);
				int nodePort = (port.getNodePort() == null) ? 0 : port.getNodePort();
				ports.add(new ServicePort(name, clusterIp, port.getPort(), nodePort, external, affinity, local,
						endpoints(name, slicesByService.getOrDefault(key, List.of()))));
			}
		}
		ports.sort(Comparator.comparing(ServicePort::name));
		return new ProxyState(withoutCollisions(ports, problems), nodeName, nodeAddresses, problems);
	}

	/**
	 * Two Services claiming one externalIP:port or NodePort: the first by name keeps it,
	 * the other loses that entry (its ClusterIP still works) and gets a problem.
	 */
	private static List<ServicePort> withoutCollisions(List<ServicePort> ports, Map<String, String> problems) {
		Map<String, ServicePortName> claims = new HashMap<>();
		List<ServicePort> result = new ArrayList<>(ports.size());
		for (ServicePort port : ports) {
			List<String> external = new ArrayList<>();
			for (String ip : port.externalIps()) {
				if (claim(claims, ip + ":" + port.port() + "/" + port.protocol(), port, problems)) {
					external.add(ip);
				}
			}
			int nodePort = port.nodePort();
			if (nodePort > 0 && !claim(claims, "node port " + nodePort + "/" + port.protocol(), port, problems)) {
				nodePort = 0;
			}
			result.add((external.size() == port.externalIps().size() && nodePort == port.nodePort()) ? port
					: new ServicePort(port.name(), port.clusterIp(), port.port(), nodePort, external,
							port.affinitySeconds(), port.externalLocal(), port.endpoints()));
		}
		return result;
	}

	private static boolean claim(Map<String, ServicePortName> claims, String what, ServicePort port,
			Map<String, String> problems) {
		ServicePortName owner = claims.putIfAbsent(what, port.name());
		if (owner == null || owner.serviceKey().equals(port.name().serviceKey())) {
			return true;
		}
		problems.merge(port.name().serviceKey(), "port collision: " + what + " is already used by Service " + owner,
				(a, b) -> a + "; " + b);
		return false;
	}

	/** Whether this proxy programs the Service at all. */
	public static boolean proxied(Service service) {
		Map<String, String> labels = service.getMetadata().getLabels();
		if (labels != null && labels.containsKey(SERVICE_PROXY_NAME)) {
			return false;
		}
		var spec = service.getSpec();
		if (spec == null || "ExternalName".equals(spec.getType()) || spec.getPorts() == null) {
			return false;
		}
		String clusterIp = spec.getClusterIP();
		return clusterIp != null && !clusterIp.isEmpty() && !"None".equals(clusterIp);
	}

	private static List<String> externalIps(Service service, String key, Map<String, String> problems) {
		Set<String> ips = new LinkedHashSet<>();
		if (service.getSpec().getExternalIPs() != null) {
			for (String ip : service.getSpec().getExternalIPs()) {
				if (Ipv4.isValid(ip)) {
					ips.add(ip);
				}
				else {
					problems.put(key, "externalIP " + ip + " is not an IPv4 address; ignored");
				}
			}
		}
		// Load-balancer addresses are answered like externalIPs, except loopback: the
		// built-in balancer may publish 127.0.0.1, and capturing 127.0.0.1:<port> for
		// every host process would hijack local daemons (NodePorts stay reachable there).
		if ("LoadBalancer".equals(service.getSpec().getType()) && service.getStatus() != null
				&& service.getStatus().getLoadBalancer() != null
				&& service.getStatus().getLoadBalancer().getIngress() != null) {
			for (LoadBalancerIngress ingress : service.getStatus().getLoadBalancer().getIngress()) {
				if (Ipv4.isValid(ingress.getIp()) && !Ipv4.isLoopback(ingress.getIp())) {
					ips.add(ingress.getIp());
				}
			}
		}
		return List.copyOf(ips);
	}

	private static int affinitySeconds(Service service) {
		if (!"ClientIP".equals(service.getSpec().getSessionAffinity())) {
			return 0;
		}
		var config = service.getSpec().getSessionAffinityConfig();
		if (config != null && config.getClientIP() != null && config.getClientIP().getTimeoutSeconds() != null
				&& config.getClientIP().getTimeoutSeconds() > 0) {
			return config.getClientIP().getTimeoutSeconds();
		}
		return 10800;
	}

	private static Protocol protocol(String text) {
		if (text == null || text.equals("TCP")) {
			return Protocol.TCP;
		}
		return text.equals("UDP") ? Protocol.UDP : null;
	}

	private static List<Endpoint> endpoints(ServicePortName name, List<EndpointSlice> slices) {
		Map<String, Endpoint> byAddress = new LinkedHashMap<>();
		for (EndpointSlice slice : slices) {
			Integer port = slicePort(slice, name);
			if (port == null || slice.getEndpoints() == null) {
				continue;
			}
			for (var endpoint : slice.getEndpoints()) {
				EndpointConditions conditions = endpoint.getConditions();
				// Kubernetes: an unset ready condition means "unknown", read as ready.
				boolean ready = conditions == null || conditions.getReady() == null || conditions.getReady();
				boolean terminating = conditions != null && Boolean.TRUE.equals(conditions.getTerminating());
				if (endpoint.getAddresses() == null) {
					continue;
				}
				for (String ip : endpoint.getAddresses()) {
					if (!Ipv4.isValid(ip)) {
						continue;
					}
					Endpoint candidate = new Endpoint(ip, port, endpoint.getNodeName(), ready && !terminating,
							terminating);
					// The same address in two slices (a move between slices): ready wins.
					byAddress.merge(candidate.address(), candidate, (a, b) -> a.ready() ? a : b);
				}
			}
		}
		List<Endpoint> result = new ArrayList<>(byAddress.values());
		result.sort(Comparator.comparing(Endpoint::ip).thenComparing(Endpoint::port));
		return result;
	}

	private static Integer slicePort(EndpointSlice slice, ServicePortName name) {
		if (slice.getPorts() == null) {
			return null;
		}
		for (EndpointPort port : slice.getPorts()) {
			String portName = (port.getName() == null) ? "" : port.getName();
			Protocol protocol = protocol(port.getProtocol());
			if (portName.equals(name.port()) && protocol == name.protocol() && port.getPort() != null) {
				return port.getPort();
			}
		}
		return null;
	}

}
