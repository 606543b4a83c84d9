package io.stevedore.apiserver.rest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.Namespace;
import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.storage.KeyValue;

/**
 * Objects are created only in namespaces that exist and are not being deleted
 * (Kubernetes' NamespaceLifecycle admission). Reads the cache first and the store when
 * the cache has not seen the namespace yet, so a namespace created a moment ago is found.
 *
 * <p>
 * Every create asks, so the answer is remembered per namespace revision instead of
 * decoding the namespace each time.
 */
public final class NamespaceLifecycle {

	private final RestContext context;

	private final ResourceType namespaces;

	private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();

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
		Verdict verdict = this.verdicts.get(namespace);
		if (verdict == null || verdict.revision() != revision) {
			verdict = new Verdict(revision, terminating(stored, revision));
			this.verdicts.put(namespace, verdict);
		}
		if (verdict.terminating()) {
			throw ApiException.forbidden("", "", null,
					"unable to create new content in namespace " + namespace + " because it is being terminated");
		}
	}

	private boolean terminating(byte[] stored, long revision) {
		Namespace ns = this.context.codec().decodeStored(stored, revision, Namespace.class);
		return ns.getMetadata().getDeletionTimestamp() != null
				|| (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()));
	}

	private record Verdict(long revision, boolean terminating) {
	}

}
