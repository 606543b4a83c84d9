package io.stevedore.nodeagent.hollow;

import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

/**
 * The pod informer's store, keeping each object without its managedFields, as client-go's
 * informers of the scheduler and controllers do ({@code TransformStripManagedFields}): no
 * node reads them, and parsed by fabric8 they are a tree of maps per pod, the largest
 * part of a cached pod. A hollow host caches every bound pod of the cluster (30,000 in
 * its benchmark) within a 1 GiB heap. The object is stripped in place before the informer
 * hands it to the handlers, which see the same stripped copy; a status update sent from
 * it carries no managedFields, which the apiserver reads as "unchanged".
 * <p>
 * Threading: called by the informer's thread; reads from any thread (the store is
 * concurrent).
 */
final class WithoutManagedFields<T extends HasMetadata> implements ItemStore<T> {

	private final BasicItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

	@Override
	public String getKey(T object) {
		return this.store.getKey(object);
	}

	@Override
	public T put(String key, T object) {
		if (object.getMetadata() != null) {
			object.getMetadata().setManagedFields(null);
		}
		return this.store.put(key, object);
	}

	@Override
	public T remove(String key) {
		return this.store.remove(key);
	}

	@Override
	public Stream<String> keySet() {
		return this.store.keySet();
	}

	@Override
	public Stream<T> values() {
		return this.store.values();
	}

	@Override
	public int size() {
		return this.store.size();
	}

	@Override
	public T get(String key) {
		return this.store.get(key);
	}

}
