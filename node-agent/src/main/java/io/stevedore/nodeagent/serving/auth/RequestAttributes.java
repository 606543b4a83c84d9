package io.stevedore.nodeagent.serving.auth;

import java.util.Locale;
import java.util.Set;

/**
 * What a call to the agent's API is authorized as: the kubelet's request attributes
 * (pkg/kubelet/server/auth.go), a resource request on this node's Node object,
 * {@code nodes/<subresource>} with the verb of the HTTP method. The paths the kubelet
 * subdivides get their own subresource ({@code /stats} stats, {@code /metrics} metrics,
 * {@code /logs} log, {@code /spec} spec); everything else, exec and container logs
 * included, is {@code proxy}.
 * <p>
 * One deliberate difference: {@code /exec}, {@code /attach}, {@code /run} and
 * {@code /portForward} are always {@code create}, whatever the method. A WebSocket
 * upgrade is a GET, which the kubelet authorizes as {@code get}, so {@code get} on
 * {@code nodes/proxy} would let its holder run commands in any container (Kubernetes
 * documents that as a warning, and its apiserver authorizes such upgrades on
 * {@code pods/exec} as {@code create} since KEP-4006); here read access stays read-only.
 *
 * @param user who asks
 * @param verb the API verb
 * @param subresource the subresource of {@code nodes}
 * @param node this node's name
 * @param path the request's path, for the logs
 */
public record RequestAttributes(KubeletUser user, String verb, String subresource, String node, String path) {

	private static final Set<String> STREAMS = Set.of("/exec", "/attach", "/run", "/portForward");

	public static RequestAttributes of(KubeletUser user, String method, String path, String node) {
		String verb = STREAMS.stream().anyMatch((stream) -> isSubpath(path, stream)) ? "create" : verb(method);
		return new RequestAttributes(user, verb, subresource(path), node, path);
	}

	/** The kubelet's subresource of a path. */
	static String subresource(String path) {
		if (isSubpath(path, "/stats")) {
			return "stats";
		}
		if (isSubpath(path, "/metrics")) {
			return "metrics";
		}
		if (isSubpath(path, "/logs")) {
			// "log", as pods/log
			return "log";
		}
		if (isSubpath(path, "/spec")) {
			return "spec";
		}
		return "proxy";
	}

	/** The kubelet's verb of an HTTP method: none for a method it does not name. */
	static String verb(String method) {
		return switch (method.toUpperCase(Locale.ROOT)) {
			case "GET" -> "get";
			case "POST" -> "create";
			case "PUT" -> "update";
			case "PATCH" -> "patch";
			case "DELETE" -> "delete";
			default -> "";
		};
	}

	/**
	 * {@code path} is {@code prefix} or below it ({@code /statsx} is not below /stats).
	 */
	static boolean isSubpath(String path, String prefix) {
		String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
		return trimmed.equals(prefix) || trimmed.startsWith(prefix + "/");
	}

	/** The kubelet's words for these attributes, in its 403 and 500 answers. */
	public String describe() {
		return "user=" + this.user.name() + ", verb=" + this.verb + ", resource=nodes, subresource=" + this.subresource;
	}

}
