package io.stevedore.controller.volume;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/**
 * The binder's writes, behind an interface so its logic is unit-tested. Each takes a
 * changed copy carrying the resourceVersion it was read at, so a write over a newer
 * object fails with 409 and the key is retried from the cache.
 */
public interface VolumeBinderControl {

	/** Creates a provisioned volume; a volume of that name already there is fine. */
	void createVolume(PersistentVolume volume);

	/** Writes the volume's spec (its claimRef). */
	void updateVolume(PersistentVolume volume);

	/** Writes the volume's status subresource (its phase). */
	void updateVolumeStatus(PersistentVolume volume);

	/** Deletes a released volume whose reclaim policy is Delete. */
	void deleteVolume(PersistentVolume volume);

	/** Writes the claim's spec and metadata (volumeName, bind annotations). */
	void updateClaim(PersistentVolumeClaim claim);

	/** Writes the claim's status subresource (phase, capacity, access modes). */
	void updateClaimStatus(PersistentVolumeClaim claim);

	/** Records an event about the claim (best effort). */
	void event(PersistentVolumeClaim claim, String type, String reason, String message);

}
