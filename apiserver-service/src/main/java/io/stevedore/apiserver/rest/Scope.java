package io.stevedore.apiserver.rest;

import java.util.Map;

import io.stevedore.apiserver.admission.AdmissionUser;
import io.stevedore.apiserver.http.RequestInfo;
import io.stevedore.machinery.registry.ResourceType;

/**
 * One resource request: what it addresses, its query parameters, body and client.
 *
 * @param query the first value of each query parameter
 * @param user who asks; {@code null} for the apiserver's own in-process writes
 * (bootstrap), which skip admission: they run before any admission endpoint can be up
 */
public record Scope(RequestInfo info, ResourceType type, Map<String, String> query, byte[] body, String contentType,
		String userAgent, AdmissionUser user) {

	/** An in-process request of the apiserver itself. */
	public Scope(RequestInfo info, ResourceType type, Map<String, String> query, byte[] body, String contentType,
			String userAgent) {
		this(info, type, query, body, contentType, userAgent, null);
	}

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
