package io.stevedore.scheduler.plugins.volumebinding;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What {@link VolumeBinding} reads and writes, behind an interface so its decisions are
 * unit-tested. Reads return null when the object is absent.
 */
public interface VolumeLookup {

	PersistentVolumeClaim claim(String namespace, String name);

	/**
	 * The claim as the API has it now, for a decision that would keep the pod out; the
	 * same as {@link #claim} where reads are not cached.
	 */
	default PersistentVolumeClaim latestClaim(String namespace, String name) {
		return claim(namespace, name);
	}

	PersistentVolume volume(String name);

	StorageClass storageClass(String name);

	/** Writes {@code volume.kubernetes.io/selected-node} on the claim. */
	void selectNode(PersistentVolumeClaim claim, String node);

	/** Stops any cache behind the reads, with the scheduler. */
	default void close() {
	}

	/** Informer caches, with a GET where the cache would keep the pod out. */
	static VolumeLookup cached(KubernetesClient client) {
		return new CachedVolumeLookup(client);
	}

	/** Straight GETs, and the write. */
	static VolumeLookup of(KubernetesClient client) {
		return new VolumeLookup() {
			@Override
			public PersistentVolumeClaim claim(String namespace, String name) {
				return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
			}

			@Override
			public PersistentVolume volume(String name) {
				return client.persistentVolumes().withName(name).get();
			}

			@Override
			public StorageClass storageClass(String name) {
				return client.storage().v1().storageClasses().withName(name).get();
			}

			@Override
			public void selectNode(PersistentVolumeClaim claim, String node) {
				client.persistentVolumeClaims()
					.inNamespace(claim.getMetadata().getNamespace())
					.withName(claim.getMetadata().getName())
					.edit(c -> {
						if (c.getMetadata().getAnnotations() == null) {
							c.getMetadata().setAnnotations(new java.util.HashMap<>());
						}
						c.getMetadata().getAnnotations().put(VolumeBinding.SELECTED_NODE, node);
						return c;
					});
			}
		};
	}

}
