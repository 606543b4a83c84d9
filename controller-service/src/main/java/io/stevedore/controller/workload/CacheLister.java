package io.stevedore.controller.workload;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * Reads of an informer's cache (client-go's listers), behind an interface so a sync is
 * unit-tested against an in-memory list. Returned objects are shared with the cache:
 * callers copy before they change anything.
 *
 * @param <T> the cached type
 */
public interface CacheLister<T extends HasMetadata> {

	/** The object, or null when the cache does not hold it. */
	T get(String namespace, String name);

	/** Every cached object of the namespace. */
	List<T> list(String namespace);

	/** A lister of a resource the apiserver does not serve: it holds nothing. */
	static <T extends HasMetadata> CacheLister<T> empty() {
		return new CacheLister<>() {
			@Override
			public T get(String namespace, String name) {
				return null;
			}

			@Override
			public List<T> list(String namespace) {
				return List.of();
			}
		};
	}

	static <T extends HasMetadata> CacheLister<T> of(SharedIndexInformer<T> informer) {
		return new CacheLister<>() {
			@Override
			public T get(String namespace, String name) {
				return informer.getIndexer().getByKey(Cache.namespaceKeyFunc(namespace, name));
			}

			@Override
			public List<T> list(String namespace) {
				return informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
			}
		};
	}

}
