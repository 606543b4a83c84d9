package io.stevedore.apiserver.rest;

import java.util.Map;

import io.stevedore.apiserver.http.RequestInfo;
import io.stevedore.machinery.registry.ResourceType;

/**
 * One resource request: what it addresses, its query parameters, body and client.
 *
 * @param query the first value of each query parameter
 */
public record Scope(RequestInfo info, ResourceType type, Map<String, String> query, byte[] body, String contentType,
		String userAgent) {

	public String namespace() {
		return this.info.namespace();
	}

	public String name() {
		return this.info.name();
	}

	/** The store key of the addressed object. */
	public String key() {
		return this.type.key(this.info.namespace(), this.info.name());
	}

}
