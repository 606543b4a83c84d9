package io.stevedore.apiserver.http;

import java.util.Set;

/**
 * Reads the resource a URL addresses: {@code /api/v1/namespaces/{ns}/pods/{name}/status},
 * {@code /apis/apps/v1/deployments}, the legacy {@code /api/v1/watch/...} form, and the
 * namespace object's own subresources ({@code /api/v1/namespaces/{name}/status}).
 */
public final class RequestInfoParser {

	/** Parts after /namespaces/{name} that are subresources of the namespace itself. */
	private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

	private RequestInfoParser() {
	}

	/**
	 * @return the request info, or {@code null} when the path addresses no resource
	 * (discovery documents such as {@code /api/v1})
	 */
	public static RequestInfo parse(String method, String path, boolean watchParam) {
		String[] parts = split(path);
		int i;
		String group;
		String version;
		if (parts.length >= 2 && parts[0].equals("api")) {
			group = "";
			version = parts[1];
			i = 2;
		}
		else if (parts.length >= 3 && parts[0].equals("apis")) {
			group = parts[1];
			version = parts[2];
			i = 3;
		}
		else {
			return null;
		}
		boolean watchPath = false;
		if (i < parts.length && parts[i].equals("watch")) {
			watchPath = true;
			i++;
		}
		if (i >= parts.length) {
			return null;
		}
		String namespace = "";
		if (parts[i].equals("namespaces") && parts.length > i + 1) {
			namespace = parts[i + 1];
			if (parts.length > i + 2 && !NAMESPACE_SUBRESOURCES.contains(parts[i + 2])) {
				i += 2;
			}
		}
		String resource = parts[i];
		String name = parts.length > i + 1 ? parts[i + 1] : "";
		String subresource = parts.length > i + 2 ? parts[i + 2] : "";
		if (parts.length > i + 3) {
			return new RequestInfo("unknown", group, version, namespace, resource, name, subresource, path);
		}
		if (resource.equals("namespaces")) {
			// For the namespace object itself the "namespace" read above is its name.
			name = namespace;
			namespace = "";
			subresource = parts.length > i + 2 ? parts[i + 2] : "";
		}
		String verb = verb(method, name.isEmpty(), watchPath || watchParam);
		return new RequestInfo(verb, group, version, namespace, resource, name, subresource, path);
	}

	private static String verb(String method, boolean collection, boolean watch) {
		return switch (method) {
			case "GET", "HEAD" -> watch ? "watch" : (collection ? "list" : "get");
			case "POST" -> "create";
			case "PUT" -> "update";
			case "PATCH" -> "patch";
			case "DELETE" -> collection ? "deletecollection" : "delete";
			default -> method.toLowerCase();
		};
	}

	private static String[] split(String path) {
		String trimmed = path;
		while (trimmed.startsWith("/")) {
			trimmed = trimmed.substring(1);
		}
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
	}

}
