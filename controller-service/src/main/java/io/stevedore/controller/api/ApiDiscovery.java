package io.stevedore.controller.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The server's preferred resources, from the discovery documents (client-go's
 * {@code ServerPreferredResources}): one version per group, subresources left out.
 * Controllers that act on "every resource" (garbage collector, namespace deletion) use
 * this, not a built-in list, so resources added to the apiserver are covered.
 */
public class ApiDiscovery {

	private final KubernetesClient client;

	public ApiDiscovery(KubernetesClient client) {
		this.client = client;
	}

	public List<ApiResource> preferredResources() {
		List<ApiResource> result = new ArrayList<>();
		addResources(result, "", "v1", this.client.getApiResources("v1"));
		for (APIGroup group : this.client.getApiGroups().getGroups()) {
			String preferred = group.getPreferredVersion() != null ? group.getPreferredVersion().getVersion()
					: group.getVersions().get(0).getVersion();
			addResources(result, group.getName(), preferred,
					this.client.getApiResources(group.getName() + "/" + preferred));
		}
		return result;
	}

	/**
	 * Whether the apiserver serves the resource (e.g. {@code v1}, {@code
	 * replicationcontrollers}); false when discovery cannot be read either, so an
	 * informer is never started on a resource that would fail its list forever.
	 */
	public boolean isServed(String groupVersion, String plural) {
		try {
			APIResourceList list = this.client.getApiResources(groupVersion);
			return list != null && list.getResources().stream().anyMatch(r -> plural.equals(r.getName()));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** A kind's resource, as a REST mapper resolves an ownerReference. */
	public static Optional<ApiResource> byApiVersionKind(List<ApiResource> resources, String apiVersion, String kind) {
		return resources.stream().filter(r -> r.apiVersion().equals(apiVersion) && r.kind().equals(kind)).findFirst();
	}

	private static void addResources(List<ApiResource> result, String group, String version, APIResourceList list) {
		if (list == null) {
			return;
		}
		for (var resource : list.getResources()) {
			if (resource.getName().contains("/")) {
				continue;
			}
			result.add(new ApiResource(group, version, resource.getKind(), resource.getName(),
					Boolean.TRUE.equals(resource.getNamespaced()), List.copyOf(resource.getVerbs())));
		}
	}

}
