package io.stevedore.apiserver.http;

/**
 * What a request under /api or /apis addresses, as kube-apiserver's RequestInfoFactory
 * reads it.
 *
 * @param verb get, list, watch, create, update, patch, delete, deletecollection
 * @param group empty for the core group
 * @param namespace empty when the URL names none
 * @param name empty for collections
 * @param subresource empty for the main resource
 * @param path the URL path without the query
 */
public record RequestInfo(String verb, String group, String version, String namespace, String resource, String name,
		String subresource, String path) {

	public boolean isCollection() {
		return this.name.isEmpty();
	}

}
