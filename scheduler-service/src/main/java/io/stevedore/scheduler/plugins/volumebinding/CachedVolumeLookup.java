package io.stevedore.scheduler.plugins.volumebinding;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.scheduler.framework.LazyInformer;

/**
 * Claims, volumes and storage classes from informer caches, as Kubernetes' VolumeBinding
 * reads them from its listers. The informers start when the first pod with a claim is
 * scheduled, so a cluster without volumes keeps no watches for them.
 * <p>
 * Kubernetes requeues such a pod when a claim or volume it waits for changes; this
 * scheduler has no such events, so an answer from the cache that would keep the pod out
 * (absent, or unbound) is checked with a GET before it is given: a claim created just
 * before its pod is not missed because the watch lags.
 */
final class CachedVolumeLookup implements VolumeLookup {

	private final VolumeLookup direct;

	private final LazyInformer<PersistentVolumeClaim> claims;

	private final LazyInformer<PersistentVolume> volumes;

	private final LazyInformer<StorageClass> storageClasses;

	CachedVolumeLookup(KubernetesClient client) {
		this.direct = VolumeLookup.of(client);
		this.claims = new LazyInformer<>("persistentvolumeclaims",
				() -> client.persistentVolumeClaims().inAnyNamespace().runnableInformer(0));
		this.volumes = new LazyInformer<>("persistentvolumes", () -> client.persistentVolumes().runnableInformer(0));
		this.storageClasses = new LazyInformer<>("storageclasses",
				() -> client.storage().v1().storageClasses().runnableInformer(0));
	}

	@Override
	public PersistentVolumeClaim claim(String namespace, String name) {
		PersistentVolumeClaim cached = this.claims.get().getStore().getByKey(namespace + "/" + name);
		return cached == null ? this.direct.claim(namespace, name) : cached;
	}

	@Override
	public PersistentVolumeClaim latestClaim(String namespace, String name) {
		return this.direct.claim(namespace, name);
	}

	@Override
	public PersistentVolume volume(String name) {
		PersistentVolume cached = this.volumes.get().getStore().getByKey(name);
		return cached == null ? this.direct.volume(name) : cached;
	}

	@Override
	public StorageClass storageClass(String name) {
		StorageClass cached = this.storageClasses.get().getStore().getByKey(name);
		return cached == null ? this.direct.storageClass(name) : cached;
	}

	@Override
	public void selectNode(PersistentVolumeClaim claim, String node) {
		this.direct.selectNode(claim, node);
	}

	@Override
	public void close() {
		this.claims.close();
		this.volumes.close();
		this.storageClasses.close();
	}

}
