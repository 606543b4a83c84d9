package io.stevedore.controller.resourcequota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.stevedore.client.rest.RestClient;
import io.stevedore.controller.api.ApiDiscovery;
import io.stevedore.controller.api.ApiResource;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.machinery.quota.NamespaceObjects;

/**
 * {@link NamespaceObjects} from the controller's informers for the resources quotas name
 * most, and a LIST through the API for any other {@code count/<resource>.<group>} (found
 * by discovery, read at most once a minute), so every served resource can be counted
 * without an informer per resource.
 */
final class InformerNamespaceObjects implements NamespaceObjects {

	private static final Duration DISCOVERY_TTL = Duration.ofMinutes(1);

	private final CacheLister<Pod> pods;

	private final CacheLister<Service> services;

	private final CacheLister<PersistentVolumeClaim> claims;

	/** Plain resource name (configmaps, secrets, …) → its cache. */
	private final Map<String, CacheLister<? extends HasMetadata>> cached;

	private final ApiDiscovery discovery;

	private final RestClient rest;

	private final Clock clock;

	private volatile List<ApiResource> resources;

	private volatile Instant resourcesReadAt = Instant.MIN;

	InformerNamespaceObjects(CacheLister<Pod> pods, CacheLister<Service> services,
			CacheLister<PersistentVolumeClaim> claims, Map<String, CacheLister<? extends HasMetadata>> cached,
			ApiDiscovery discovery, RestClient rest, Clock clock) {
		this.pods = pods;
		this.services = services;
		this.claims = claims;
		this.cached = cached;
		this.discovery = discovery;
		this.rest = rest;
		this.clock = clock;
	}

	@Override
	public List<Pod> pods(String namespace) {
		return this.pods.list(namespace);
	}

	@Override
	public List<Service> services(String namespace) {
		return this.services.list(namespace);
	}

	@Override
	public List<PersistentVolumeClaim> persistentVolumeClaims(String namespace) {
		return this.claims.list(namespace);
	}

	@Override
	public Long count(String namespace, String groupResource) {
		CacheLister<? extends HasMetadata> lister = this.cached.get(groupResource);
		if (lister != null) {
			return (long) lister.list(namespace).size();
		}
		Optional<ApiResource> resource = resources().stream()
			.filter(r -> r.namespaced() && r.groupResource().equals(groupResource) && r.supports("list"))
			.findFirst();
		if (resource.isEmpty()) {
			return null;
		}
		// An error fails the sync, which is retried with backoff: never a wrong zero.
		return (long) this.rest.get(resource.get().collectionPath(namespace)).orThrow().json().path("items").size();
	}

	private List<ApiResource> resources() {
		Instant now = this.clock.instant();
		if (this.resources == null || this.resourcesReadAt.plus(DISCOVERY_TTL).isBefore(now)) {
			this.resources = this.discovery.preferredResources();
			this.resourcesReadAt = now;
		}
		return this.resources;
	}

}
