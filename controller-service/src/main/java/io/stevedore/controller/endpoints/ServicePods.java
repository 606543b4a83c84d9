package io.stevedore.controller.endpoints;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.stevedore.controller.workload.PodStates;
import io.stevedore.machinery.selectors.LabelSelector;

/**
 * Which pods back a Service and on which ports, shared by the Endpoints and EndpointSlice
 * controllers (Kubernetes' {@code ShouldPodBeInEndpoints}, {@code FindPort}).
 */
final class ServicePods {

	static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

	private ServicePods() {
	}

	/** A pod behind a Service, with the Service's ports resolved for this pod. */
	record Backend(Pod pod, String ip, boolean ready, boolean terminating, String hostname, List<ResolvedPort> ports) {
	}

	/** A Service port with its target port resolved to a number for one pod. */
	record ResolvedPort(String name, int port, String protocol, String appProtocol) {
	}

	/**
	 * Whether the endpoints controllers manage this Service: only Services with a
	 * selector; without one the user writes the endpoints.
	 */
	static boolean hasSelector(Service service) {
		Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
		return selector != null && !selector.isEmpty();
	}

	static boolean isHeadless(Service service) {
		return "None".equals(service.getSpec().getClusterIP());
	}

	static boolean publishNotReady(Service service) {
		return Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
	}

	/**
	 * @param includeTerminating whether pods being deleted are listed (EndpointSlices
	 * show them with terminating=true; Endpoints only when publishNotReadyAddresses)
	 */
	static List<Backend> backends(Service service, List<Pod> podsInNamespace, boolean includeTerminating) {
		LabelSelector selector = LabelSelector.fromSet(service.getSpec().getSelector());
		List<Backend> backends = new ArrayList<>();
		for (Pod pod : podsInNamespace) {
			Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of()
					: pod.getMetadata().getLabels();
			if (!selector.matches(labels) || !shouldBeInEndpoints(pod, includeTerminating)) {
				continue;
			}
			List<ResolvedPort> ports = new ArrayList<>();
			for (ServicePort servicePort : service.getSpec().getPorts() == null ? List.<ServicePort>of()
					: service.getSpec().getPorts()) {
				Integer number = findPort(pod, servicePort);
				if (number != null) {
					ports.add(new ResolvedPort(servicePort.getName(), number, protocol(servicePort.getProtocol()),
							servicePort.getAppProtocol()));
				}
			}
			backends.add(new Backend(pod, pod.getStatus().getPodIP(), PodStates.isReady(pod),
					PodStates.isTerminating(pod), hostname(service, pod), ports));
		}
		return backends;
	}

	/** Kubernetes' {@code ShouldPodBeInEndpoints}: not terminal, with an IP. */
	static boolean shouldBeInEndpoints(Pod pod, boolean includeTerminating) {
		if (PodStates.isTerminal(pod)) {
			return false;
		}
		if (pod.getStatus() == null || pod.getStatus().getPodIP() == null || pod.getStatus().getPodIP().isEmpty()) {
			return false;
		}
		return includeTerminating || !PodStates.isTerminating(pod);
	}

	/**
	 * Kubernetes' {@code FindPort}: a number as is; a name looked up among the pod's
	 * container ports of the same protocol. Null when this pod has no such named port.
	 */
	static Integer findPort(Pod pod, ServicePort servicePort) {
		IntOrString target = servicePort.getTargetPort();
		if (target == null) {
			return servicePort.getPort();
		}
		if (target.getIntVal() != null) {
			return target.getIntVal();
		}
		String name = target.getStrVal();
		if (name == null || name.isEmpty()) {
			return servicePort.getPort();
		}
		String protocol = protocol(servicePort.getProtocol());
		for (var container : pod.getSpec().getContainers()) {
			for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
				if (name.equals(port.getName()) && protocol.equals(protocol(port.getProtocol()))) {
					return port.getContainerPort();
				}
			}
		}
		return null;
	}

	/**
	 * A pod gets a DNS name under a headless Service when its hostname is set and its
	 * subdomain is the Service's name.
	 */
	private static String hostname(Service service, Pod pod) {
		String hostname = pod.getSpec().getHostname();
		if (hostname == null || hostname.isEmpty()) {
			return null;
		}
		return service.getMetadata().getName().equals(pod.getSpec().getSubdomain()) ? hostname : null;
	}

	private static String protocol(String protocol) {
		return protocol == null || protocol.isEmpty() ? "TCP" : protocol;
	}

}
