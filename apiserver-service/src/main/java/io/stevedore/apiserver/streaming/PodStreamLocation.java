package io.stevedore.apiserver.streaming;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.apiserver.rest.PodLogLocation;
import io.stevedore.apiserver.rest.RestContext;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.storage.KeyValue;

/**
 * Where {@code pods/exec}, {@code pods/attach} and {@code pods/portforward} of a pod are
 * served: the kubelet-style path on the pod's node agent (kube-apiserver's
 * {@code ExecLocation}, {@code AttachLocation}, {@code PortForwardLocation}), after the
 * same checks: the pod exists (404), the container is one of the pod's (400 with
 * kube-apiserver's words), the pod has a node (400), the container runs (400, the
 * kubelet's words, as kubectl shows them); for port-forward, the pod runs (400, kubectl's
 * words).
 * <p>
 * Threading: stateless.
 */
final class PodStreamLocation {

	private final RestContext context;

	private final PodLogLocation agents;

	PodStreamLocation(RestContext context) {
		this.context = context;
		this.agents = new PodLogLocation(context);
	}

	/**
	 * @param subresource exec, attach or portforward
	 * @param container the {@code container} query parameter, or null
	 * @param query the raw query string passed on to the agent, or null
	 */
	URI locate(String namespace, String name, String subresource, String container, String query) {
		ResourceType pods = this.context.registry().find("", "v1", "pods").orElseThrow();
		KeyValue stored = this.context.store().get(pods.key(namespace, name));
		if (stored == null) {
			throw ApiException.notFound("", "pods", name);
		}
		Pod pod = this.context.codec().decodeStored(stored.value(), stored.modRevision(), Pod.class);
		String nodeName = pod.getSpec().getNodeName();
		String path;
		if (subresource.equals("portforward")) {
			requireNode(name, nodeName);
			String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
			if (!"Running".equals(phase)) {
				// kubectl's own words for it (it checks before it asks); said here too
				// for
				// clients that do not check, rather than a tunnel that only fails later.
				throw ApiException.badRequest("unable to forward port because pod is not running. Current status="
						+ (phase == null ? "Pending" : phase));
			}
			path = "/portForward/" + encode(namespace) + "/" + encode(name);
		}
		else {
			String chosen = PodLogLocation.container(pod, container == null ? "" : container);
			requireNode(name, nodeName);
			if (!running(pod, chosen)) {
				throw ApiException.badRequest("container not found (\"" + chosen + "\")");
			}
			path = "/" + subresource + "/" + encode(namespace) + "/" + encode(name) + "/" + encode(chosen);
		}
		String base = this.agents.agent(nodeName).toString();
		return URI.create(base + path + (query == null || query.isEmpty() ? "" : "?" + query));
	}

	private static void requireNode(String name, String nodeName) {
		if (nodeName == null || nodeName.isEmpty()) {
			throw ApiException.badRequest("pod " + name + " does not have a host assigned");
		}
	}

	/** The kubelet finds no container to stream from until it runs. */
	private static boolean running(Pod pod, String container) {
		if (pod.getStatus() == null) {
			return false;
		}
		java.util.List<ContainerStatus> statuses = new java.util.ArrayList<>();
		if (pod.getStatus().getContainerStatuses() != null) {
			statuses.addAll(pod.getStatus().getContainerStatuses());
		}
		if (pod.getStatus().getInitContainerStatuses() != null) {
			statuses.addAll(pod.getStatus().getInitContainerStatuses());
		}
		if (pod.getStatus().getEphemeralContainerStatuses() != null) {
			statuses.addAll(pod.getStatus().getEphemeralContainerStatuses());
		}
		return statuses.stream()
			.anyMatch(s -> container.equals(s.getName()) && s.getState() != null && s.getState().getRunning() != null);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

}
