package io.stevedore.gateway.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.springframework.util.MultiValueMap;

/**
 * Derives {@link RequestInfo} from a URL the way kube-apiserver's RequestInfoFactory
 * does:
 *
 * <pre>
 * /api/{version}/namespaces/{ns}/{resource}/{name}/{subresource}
 * /apis/{group}/{version}/{resource}/{name}
 * /apis/{group}/{version}/watch/...            (deprecated watch paths)
 * anything else                                non-resource: path + lower-case method
 * </pre>
 *
 * GET without a name is {@code list}, or {@code watch} with {@code ?watch=true}; DELETE
 * without a name is {@code deletecollection}.
 */
public final class RequestInfoParser {

	/** Subresources of a namespace that keep {@code namespaces} as the resource. */
	private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

	/**
	 * Pod subresources that connect to a process or a port (kube-apiserver's connecters).
	 */
	private static final Set<String> CONNECT = Set.of("exec", "attach", "portforward");

	private RequestInfoParser() {
	}

	public static RequestInfo parse(String method, String path, MultiValueMap<String, String> query) {
		List<String> parts = split(path);
		if (parts.isEmpty() || !("api".equals(parts.get(0)) || "apis".equals(parts.get(0)))) {
			return RequestInfo.nonResource(path, method.toLowerCase(java.util.Locale.ROOT));
		}
		String group;
		int rest;
		if ("api".equals(parts.get(0))) {
			if (parts.size() < 2) {
				return RequestInfo.nonResource(path, method.toLowerCase(java.util.Locale.ROOT));
			}
			group = "";
			rest = 2;
		}
		else {
			if (parts.size() < 3) {
				return RequestInfo.nonResource(path, method.toLowerCase(java.util.Locale.ROOT));
			}
			group = parts.get(1);
			rest = 3;
		}
		String version = parts.get(rest - 1);
		List<String> current = parts.subList(rest, parts.size());
		if (current.isEmpty()) {
			// /api/v1, /apis/apps/v1: discovery documents
			return RequestInfo.nonResource(path, method.toLowerCase(java.util.Locale.ROOT));
		}
		String verb = switch (method) {
			case "POST" -> "create";
			case "GET", "HEAD" -> "get";
			case "PUT" -> "update";
			case "PATCH" -> "patch";
			case "DELETE" -> "delete";
			default -> "";
		};
		if ("watch".equals(current.get(0)) && "get".equals(verb)) {
			verb = "watch";
			current = current.subList(1, current.size());
		}
		String namespace = "";
		if (!current.isEmpty() && "namespaces".equals(current.get(0))) {
			if (current.size() > 1) {
				namespace = current.get(1);
				if (current.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(current.get(2))) {
					current = current.subList(2, current.size());
				}
			}
		}
		String resource = current.size() > 0 ? current.get(0) : "";
		String name = current.size() > 1 ? current.get(1) : "";
		String subresource = current.size() > 2 ? current.get(2) : "";
		if (name.isEmpty() && "get".equals(verb)) {
			verb = "list";
		}
		if ("list".equals(verb) && isTrue(query.getFirst("watch"))) {
			verb = "watch";
		}
		if (name.isEmpty() && "delete".equals(verb)) {
			verb = "deletecollection";
		}
		if ("get".equals(verb) && group.isEmpty() && "pods".equals(resource) && CONNECT.contains(subresource)) {
			// A WebSocket exec, attach or port-forward is a GET but starts a process or a
			// tunnel: kube-apiserver (AuthorizePodWebsocketUpgradeCreatePermission, on
			// since 1.31) asks for create, as it does for the SPDY POST.
			verb = "create";
		}
		return new RequestInfo(true, path, verb, group, version, namespace, resource, subresource, name);
	}

	private static boolean isTrue(String value) {
		return "true".equals(value) || "1".equals(value);
	}

	private static List<String> split(String path) {
		List<String> parts = new ArrayList<>();
		for (String part : path.split("/")) {
			if (!part.isEmpty()) {
				parts.add(part);
			}
		}
		return parts;
	}

}
