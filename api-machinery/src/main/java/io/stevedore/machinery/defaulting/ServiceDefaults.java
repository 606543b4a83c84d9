package io.stevedore.machinery.defaulting;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.ClientIPConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;

/**
 * SetDefaults_Service, plus the single-stack IPv4 family fields the apiserver's service
 * REST layer fills in. ClusterIPs and nodePorts are allocated by the apiserver, never
 * here.
 */
public final class ServiceDefaults {

	static final int DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

	private ServiceDefaults() {
	}

	public static void service(Service svc) {
		if (svc.getSpec() == null) {
			svc.setSpec(new ServiceSpec());
		}
		ServiceSpec spec = svc.getSpec();
		if (isEmpty(spec.getSessionAffinity())) {
			spec.setSessionAffinity("None");
		}
		if (spec.getSessionAffinity().equals("None")) {
			spec.setSessionAffinityConfig(null);
		}
		if (spec.getSessionAffinity().equals("ClientIP")) {
			SessionAffinityConfig c = spec.getSessionAffinityConfig();
			if (c == null || c.getClientIP() == null || c.getClientIP().getTimeoutSeconds() == null) {
				spec.setSessionAffinityConfig(
						new SessionAffinityConfig(new ClientIPConfig(DEFAULT_CLIENT_IP_TIMEOUT_SECONDS)));
			}
		}
		if (isEmpty(spec.getType())) {
			spec.setType("ClusterIP");
		}
		String type = spec.getType();
		for (ServicePort port : PodDefaults.list(spec.getPorts())) {
			if (isEmpty(port.getProtocol())) {
				port.setProtocol("TCP");
			}
			IntOrString target = port.getTargetPort();
			boolean unset = target == null || (target.getIntVal() != null && target.getIntVal() == 0)
					|| (target.getIntVal() == null && isEmpty(target.getStrVal()));
			if (unset && port.getPort() != null) {
				port.setTargetPort(new IntOrString(port.getPort()));
			}
		}
		boolean external = type.equals("NodePort") || type.equals("LoadBalancer")
				|| !PodDefaults.list(spec.getExternalIPs()).isEmpty();
		if (external && isEmpty(spec.getExternalTrafficPolicy())) {
			spec.setExternalTrafficPolicy("Cluster");
		}
		if (spec.getInternalTrafficPolicy() == null
				&& (type.equals("NodePort") || type.equals("LoadBalancer") || type.equals("ClusterIP"))) {
			spec.setInternalTrafficPolicy("Cluster");
		}
		if (type.equals("LoadBalancer") && spec.getAllocateLoadBalancerNodePorts() == null) {
			spec.setAllocateLoadBalancerNodePorts(true);
		}
		if (!type.equals("ExternalName")) {
			ipFamilies(spec);
		}
	}

	/**
	 * The cluster is single-stack IPv4. A headless Service without selector defaults to
	 * RequireDualStack, as Kubernetes does, which on a single-stack cluster still means
	 * the one family.
	 */
	private static void ipFamilies(ServiceSpec spec) {
		if (spec.getIpFamilyPolicy() == null) {
			boolean headless = "None".equals(spec.getClusterIP());
			boolean selectorless = spec.getSelector() == null || spec.getSelector().isEmpty();
			spec.setIpFamilyPolicy(headless && selectorless ? "RequireDualStack" : "SingleStack");
		}
		if (spec.getIpFamilies() == null || spec.getIpFamilies().isEmpty()) {
			spec.setIpFamilies(new ArrayList<>(List.of("IPv4")));
		}
	}

	private static boolean isEmpty(String s) {
		return s == null || s.isEmpty();
	}

}
