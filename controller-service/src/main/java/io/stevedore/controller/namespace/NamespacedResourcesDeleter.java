package io.stevedore.controller.namespace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.stevedore.controller.api.ApiResource;

/**
 * Deletes everything in a namespace, resource by resource, as Kubernetes'
 * {@code namespacedResourcesDeleter} does: deletecollection where the resource offers it,
 * else one delete per object; then lists what is left. One failing resource does not stop
 * the others; its error is reported and the pass is retried.
 */
final class NamespacedResourcesDeleter {

	private final NamespaceContent content;

	NamespacedResourcesDeleter(NamespaceContent content) {
		this.content = content;
	}

	ContentDeletion deleteAllContent(String namespace) {
		Map<String, Integer> remaining = new TreeMap<>();
		Map<String, Integer> finalizers = new TreeMap<>();
		List<String> errors = new ArrayList<>();
		for (ApiResource resource : this.content.resources()) {
			if (!resource.namespaced() || !resource.supports("list")
					|| !(resource.supports("delete") || resource.supports("deletecollection"))) {
				continue;
			}
			try {
				List<ObjectMeta> left = deleteAll(resource, namespace);
				if (!left.isEmpty()) {
					remaining.put(resource.groupResource(), left.size());
					for (ObjectMeta meta : left) {
						meta.getFinalizers().forEach(f -> finalizers.merge(f, 1, Integer::sum));
					}
				}
			}
			catch (RuntimeException ex) {
				errors.add(resource.groupResource() + ": " + ex.getMessage());
			}
		}
		return new ContentDeletion(remaining, finalizers, errors);
	}

	private List<ObjectMeta> deleteAll(ApiResource resource, String namespace) {
		if (resource.supports("deletecollection")) {
			this.content.deleteCollection(resource, namespace);
		}
		else {
			for (ObjectMeta meta : this.content.list(resource, namespace)) {
				if (meta.getDeletionTimestamp() == null) {
					this.content.delete(resource, namespace, meta.getName());
				}
			}
		}
		return this.content.list(resource, namespace);
	}

}
