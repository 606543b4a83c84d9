package io.stevedore.gateway.authz;

/**
 * The attributes RBAC decides on, as kube-apiserver's {@code RequestInfo}: for a resource
 * request its verb, API group and version, namespace, resource, subresource and name;
 * otherwise the path and the lower-case HTTP method as verb.
 */
public record RequestInfo(boolean resourceRequest, String path, String verb, String apiGroup, String apiVersion,
		String namespace, String resource, String subresource, String name) {

	public static RequestInfo nonResource(String path, String verb) {
		return new RequestInfo(false, path, verb, "", "", "", "", "", "");
	}

	public static RequestInfo resource(String verb, String apiGroup, String namespace, String resource,
			String subresource, String name) {
		return new RequestInfo(true, "", verb, apiGroup, "", namespace, resource, subresource, name);
	}

}
