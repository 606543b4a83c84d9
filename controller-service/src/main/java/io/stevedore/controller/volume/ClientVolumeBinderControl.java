package io.stevedore.controller.volume;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.workload.EventRecorder;

/** {@link VolumeBinderControl} on fabric8: updates carry the read resourceVersion. */
final class ClientVolumeBinderControl implements VolumeBinderControl {

	private final KubernetesClient client;

	private final EventRecorder events;

	private final LocalPathCleaner cleaner;

	ClientVolumeBinderControl(KubernetesClient client, EventRecorder events, LocalPathCleaner cleaner) {
		this.client = client;
		this.events = events;
		this.cleaner = cleaner;
	}

	@Override
	public void createVolume(PersistentVolume volume) {
		this.client.persistentVolumes().resource(volume).create();
	}

	@Override
	public void updateVolume(PersistentVolume volume) {
		this.client.persistentVolumes().resource(volume).update();
	}

	@Override
	public void updateVolumeStatus(PersistentVolume volume) {
		this.client.persistentVolumes().resource(volume).updateStatus();
	}

	@Override
	public void deleteVolume(PersistentVolume volume) {
		// The data goes first: a volume object deleted before would leave it unowned.
		if (!this.cleaner.remove(volume)) {
			throw new IllegalStateException(
					"volume " + volume.getMetadata().getName() + ": its directory could not be removed yet (retried)");
		}
		this.client.persistentVolumes().withName(volume.getMetadata().getName()).delete();
	}

	@Override
	public void updateClaim(PersistentVolumeClaim claim) {
		this.client.persistentVolumeClaims().resource(claim).update();
	}

	@Override
	public void updateClaimStatus(PersistentVolumeClaim claim) {
		this.client.persistentVolumeClaims().resource(claim).updateStatus();
	}

	@Override
	public void event(PersistentVolumeClaim claim, String type, String reason, String message) {
		this.events.event(claim, type, reason, message);
	}

}
