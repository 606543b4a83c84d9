package io.stevedore.apiserver.rest;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.storage.KeyValue;

/**
 * {@code GET pods/{name}/log}: Kubernetes' PodLogOptions from the query, validated as
 * kube-apiserver validates them, turned into the URL of the node agent's
 * {@code /containerLogs} on the pod's node (its InternalIP and
 * status.daemonEndpoints.kubeletEndpoint port), as kube-apiserver's {@code LogLocation}.
 * <p>
 * Threading: stateless; safe for concurrent requests.
 */
public final class PodLogLocation {

	private final RestContext context;

	public PodLogLocation(RestContext context) {
		this.context = context;
	}

	public URI locate(Scope scope) {
		Map<String, String> query = scope.query();
		Long tailLines = integer(query, "tailLines");
		Long limitBytes = integer(query, "limitBytes");
		Long sinceSeconds = integer(query, "sinceSeconds");
		String sinceTime = query.get("sinceTime");
		if (sinceTime != null) {
			try {
				OffsetDateTime.parse(sinceTime);
			}
			catch (DateTimeParseException ex) {
				throw ApiException.badRequest("parsing time \"" + sinceTime + "\" as RFC 3339: " + ex.getMessage());
			}
		}
		boolean follow = bool(query, "follow");
		boolean previous = bool(query, "previous");
		boolean timestamps = bool(query, "timestamps");
		validate(scope.name(), tailLines, limitBytes, sinceSeconds, sinceTime);

		KeyValue stored = this.context.store().get(scope.key());
		if (stored == null) {
			throw ApiException.notFound("", "pods", scope.name());
		}
		Pod pod = this.context.codec().decodeStored(stored.value(), stored.modRevision(), Pod.class);
		String container = container(pod, query.getOrDefault("container", ""));
		String nodeName = pod.getSpec().getNodeName();
		if (nodeName == null || nodeName.isEmpty()) {
			throw ApiException.badRequest("pod " + pod.getMetadata().getName() + " does not have a host assigned");
		}
		Map<String, String> params = new LinkedHashMap<>();
		if (follow) {
			params.put("follow", "true");
		}
		if (previous) {
			params.put("previous", "true");
		}
		if (timestamps) {
			params.put("timestamps", "true");
		}
		put(params, "tailLines", tailLines);
		put(params, "limitBytes", limitBytes);
		put(params, "sinceSeconds", sinceSeconds);
		if (sinceTime != null) {
			params.put("sinceTime", sinceTime);
		}
		StringBuilder url = new StringBuilder(agent(nodeName).toString()).append("/containerLogs/")
			.append(encode(scope.namespace()))
			.append('/')
			.append(encode(scope.name()))
			.append('/')
			.append(encode(container));
		String separator = "?";
		for (Map.Entry<String, String> param : params.entrySet()) {
			url.append(separator).append(param.getKey()).append('=').append(encode(param.getValue()));
			separator = "&";
		}
		return URI.create(url.toString());
	}

	/** kube-apiserver's ValidatePodLogOptions: 422 Invalid naming the field. */
	private static void validate(String name, Long tailLines, Long limitBytes, Long sinceSeconds, String sinceTime) {
		List<FieldError> errors = new ArrayList<>();
		if (tailLines != null && tailLines < 0) {
			errors.add(FieldError.invalid("tailLines", tailLines, "must be greater than or equal to 0"));
		}
		if (limitBytes != null && limitBytes < 1) {
			errors.add(FieldError.invalid("limitBytes", limitBytes, "must be greater than 0"));
		}
		if (sinceSeconds != null && sinceTime != null) {
			errors.add(FieldError.forbidden("", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
		}
		else if (sinceSeconds != null && sinceSeconds < 1) {
			errors.add(FieldError.invalid("sinceSeconds", sinceSeconds, "must be greater than 0"));
		}
		if (!errors.isEmpty()) {
			throw ApiException.invalid("", "PodLogOptions", name, errors);
		}
	}

	/**
	 * The node agent of a node, {@code http://address:port} (the node's InternalIP and
	 * status.daemonEndpoints.kubeletEndpoint port), as kube-apiserver finds a kubelet.
	 */
	public URI agent(String nodeName) {
		return agent(node(nodeName));
	}

	/**
	 * The node agent of this Node; a 400 {@link ApiException} when the Node reports no
	 * address or no kubelet endpoint port.
	 */
	public static URI agent(Node node) {
		return URI.create("http://" + address(node) + ":" + port(node));
	}

	/** kube-apiserver's ValidateContainer, with its exact messages. */
	public static String container(Pod pod, String container) {
		List<String> names = new ArrayList<>();
		if (pod.getSpec().getInitContainers() != null) {
			pod.getSpec().getInitContainers().forEach(c -> names.add(c.getName()));
		}
		pod.getSpec().getContainers().forEach(c -> names.add(c.getName()));
		if (pod.getSpec().getEphemeralContainers() != null) {
			pod.getSpec().getEphemeralContainers().forEach(c -> names.add(c.getName()));
		}
		String podName = pod.getMetadata().getName();
		if (container.isEmpty()) {
			List<Container> containers = pod.getSpec().getContainers();
			if (containers.size() == 1) {
				return containers.get(0).getName();
			}
			if (containers.isEmpty()) {
				throw ApiException.badRequest("a container name must be specified for pod " + podName);
			}
			throw ApiException.badRequest("a container name must be specified for pod " + podName + ", choose one of: ["
					+ String.join(" ", names) + "]");
		}
		if (!names.contains(container)) {
			throw ApiException.badRequest("container " + container + " is not valid for pod " + podName);
		}
		return container;
	}

	private Node node(String name) {
		ResourceType nodes = this.context.registry().find("", "v1", "nodes").orElseThrow();
		KeyValue stored = this.context.store().get(nodes.key(null, name));
		if (stored == null) {
			throw ApiException.notFound("", "nodes", name);
		}
		return this.context.codec().decodeStored(stored.value(), stored.modRevision(), Node.class);
	}

	private static String address(Node node) {
		List<NodeAddress> addresses = node.getStatus() == null || node.getStatus().getAddresses() == null ? List.of()
				: node.getStatus().getAddresses();
		return addresses.stream()
			.filter(a -> "InternalIP".equals(a.getType()))
			.findFirst()
			.or(() -> addresses.stream().findFirst())
			.map(NodeAddress::getAddress)
			.orElseThrow(() -> ApiException
				.badRequest("node " + node.getMetadata().getName() + " reports no address to reach its agent at"));
	}

	private static int port(Node node) {
		var endpoints = node.getStatus() == null ? null : node.getStatus().getDaemonEndpoints();
		if (endpoints == null || endpoints.getKubeletEndpoint() == null
				|| endpoints.getKubeletEndpoint().getPort() == null || endpoints.getKubeletEndpoint().getPort() < 1) {
			throw ApiException.badRequest("node " + node.getMetadata().getName() + " reports no kubelet endpoint port");
		}
		return endpoints.getKubeletEndpoint().getPort();
	}

	private static Long integer(Map<String, String> query, String name) {
		String value = query.get(name);
		if (value == null || value.isEmpty()) {
			return null;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw ApiException.badRequest("strconv.ParseInt: parsing \"" + value + "\": invalid syntax (" + name + ")");
		}
	}

	private static boolean bool(Map<String, String> query, String name) {
		String value = query.get(name);
		if (value == null || value.isEmpty() || value.equals("false") || value.equals("0")) {
			return false;
		}
		if (value.equals("true") || value.equals("1")) {
			return true;
		}
		throw ApiException.badRequest("strconv.ParseBool: parsing \"" + value + "\": invalid syntax (" + name + ")");
	}

	private static void put(Map<String, String> params, String name, Long value) {
		if (value != null) {
			params.put(name, Long.toString(value));
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

}
