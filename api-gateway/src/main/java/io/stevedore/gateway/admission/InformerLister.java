package io.stevedore.gateway.admission;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;

import org.springframework.context.SmartLifecycle;

/**
 * One kind of object from an informer on the apiserver (list+watch), for plugins to read
 * without a request of their own, as gateway/rbac's InformerRbacLister does. Until the
 * first list arrives it is empty; the informer retries for ever, since the gateway may
 * start before the apiserver. Objects returned are the cache's: never mutate them.
 *
 * @param <T> the kind
 */
public final class InformerLister<T extends HasMetadata> implements SmartLifecycle {

	private final Supplier<SharedIndexInformer<T>> factory;

	private volatile SharedIndexInformer<T> informer;

	/**
	 * @param factory makes the (not yet started) informer, e.g.
	 * {@code runnableInformer(0)}
	 */
	public InformerLister(Supplier<SharedIndexInformer<T>> factory) {
		this.factory = factory;
	}

	public List<T> list() {
		SharedIndexInformer<T> current = this.informer;
		return current == null ? List.of() : current.getStore().list();
	}

	public List<T> list(String namespace) {
		SharedIndexInformer<T> current = this.informer;
		return current == null ? List.of() : current.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
	}

	/**
	 * @param namespace empty for a cluster-scoped object
	 */
	public Optional<T> get(String namespace, String name) {
		SharedIndexInformer<T> current = this.informer;
		if (current == null) {
			return Optional.empty();
		}
		String key = namespace == null || namespace.isEmpty() ? name : Cache.namespaceKeyFunc(namespace, name);
		return Optional.ofNullable(current.getStore().getByKey(key));
	}

	public boolean hasSynced() {
		SharedIndexInformer<T> current = this.informer;
		return current != null && current.hasSynced();
	}

	@Override
	public synchronized void start() {
		SharedIndexInformer<T> created = this.factory.get();
		created.exceptionHandler((started, error) -> true);
		created.start();
		this.informer = created;
	}

	@Override
	public synchronized void stop() {
		if (this.informer != null) {
			this.informer.close();
			this.informer = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.informer != null;
	}

}
