package io.stevedore.nodeagent.pod;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

/**
 * The Docker-link-style service variables the kubelet gives every container
 * ({@code getServiceEnvVarMap}): for each Service with a cluster IP in the pod's
 * namespace (when enableServiceLinks is on) and always for {@code default/kubernetes},
 * {@code <NAME>_SERVICE_HOST}, {@code <NAME>_SERVICE_PORT[_<PORTNAME>]} and the
 * {@code <NAME>_PORT...} family.
 */
final class ServiceEnvironment {

	private ServiceEnvironment() {
	}

	static Map<String, String> of(String namespace, boolean enableServiceLinks, List<Service> inNamespace,
			Service kubernetes) {
		Map<String, String> env = new LinkedHashMap<>();
		if (enableServiceLinks) {
			inNamespace.stream()
				.filter(s -> !("default".equals(namespace) && "kubernetes".equals(s.getMetadata().getName())))
				.sorted(java.util.Comparator.comparing(s -> s.getMetadata().getName()))
				.forEach(s -> add(env, s));
		}
		if (kubernetes != null) {
			add(env, kubernetes);
		}
		return env;
	}

	private static void add(Map<String, String> env, Service service) {
		String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
		if (ip == null || ip.isEmpty() || "None".equals(ip) || service.getSpec().getPorts() == null
				|| service.getSpec().getPorts().isEmpty()) {
			return;
		}
		String name = service.getMetadata().getName().toUpperCase(Locale.ROOT).replace('-', '_');
		List<ServicePort> ports = service.getSpec().getPorts();
		env.put(name + "_SERVICE_HOST", ip);
		env.put(name + "_SERVICE_PORT", Integer.toString(ports.get(0).getPort()));
		for (ServicePort port : ports) {
			if (port.getName() != null && !port.getName().isEmpty()) {
				env.put(name + "_SERVICE_PORT_" + port.getName().toUpperCase(Locale.ROOT).replace('-', '_'),
						Integer.toString(port.getPort()));
			}
		}
		ServicePort first = ports.get(0);
		env.put(name + "_PORT", url(first, ip));
		for (ServicePort port : ports) {
			String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol().toUpperCase(Locale.ROOT);
			String prefix = name + "_PORT_" + port.getPort() + "_" + protocol;
			env.put(prefix, url(port, ip));
			env.put(prefix + "_PROTO", protocol.toLowerCase(Locale.ROOT));
			env.put(prefix + "_PORT", Integer.toString(port.getPort()));
			env.put(prefix + "_ADDR", ip);
		}
	}

	private static String url(ServicePort port, String ip) {
		String protocol = port.getProtocol() == null ? "tcp" : port.getProtocol().toLowerCase(Locale.ROOT);
		String host = ip.contains(":") ? "[" + ip + "]" : ip;
		return protocol + "://" + host + ":" + port.getPort();
	}

}
