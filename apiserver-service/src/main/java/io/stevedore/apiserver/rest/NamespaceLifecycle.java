package io.stevedore.apiserver.rest;

import io.fabric8.kubernetes.api.model.Namespace;
import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.storage.KeyValue;

/**
 * Objects are created only in namespaces that exist and are not being deleted
 * (Kubernetes' NamespaceLifecycle admission). Reads the cache first and the store when
 * the cache has not seen the namespace yet, so a namespace created a moment ago is found.
 */
public final class NamespaceLifecycle {

	private final RestContext context;

	private final ResourceType namespaces;

	public NamespaceLifecycle(RestContext context) {
		this.context = context;
		this.namespaces = context.registry().find("", "v1", "namespaces").orElseThrow();
	}

	public void checkCreateAllowed(String namespace) {
		String key = this.namespaces.key("", namespace);
		byte[] stored;
		long revision;
		CachedObject cached = this.context.cache().get(key);
		if (cached != null) {
			stored = cached.stored();
			revision = cached.modRevision();
		}
		else {
			KeyValue kv = this.context.store().get(key);
			if (kv == null) {
				throw ApiException.notFound("", "namespaces", namespace);
			}
			stored = kv.value();
			revision = kv.modRevision();
		}
		Namespace ns = this.context.codec().decodeStored(stored, revision, Namespace.class);
		if (ns.getMetadata().getDeletionTimestamp() != null
				|| (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()))) {
			throw ApiException.forbidden("", "", null,
					"unable to create new content in namespace " + namespace + " because it is being terminated");
		}
	}

}
