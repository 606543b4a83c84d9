package io.stevedore.controller.volume;

import java.util.function.Function;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.CacheLister;

/**
 * The volume half of Kubernetes' binder ({@code syncVolume}). Keys are volume names. A
 * volume without a claimRef is Available; one whose claim names it is Bound; one whose
 * claim is gone (or is a new claim of the same name: another uid) is Released, and then
 * deleted when its reclaim policy is Delete or kept Released when it is Retain, until an
 * administrator clears its claimRef.
 */
public final class VolumeSync implements Reconciler {

	private final Function<String, PersistentVolume> volumes;

	private final CacheLister<PersistentVolumeClaim> claims;

	private final VolumeBinderControl control;

	public VolumeSync(Function<String, PersistentVolume> volumes, CacheLister<PersistentVolumeClaim> claims,
			VolumeBinderControl control) {
		this.volumes = volumes;
		this.claims = claims;
		this.control = control;
	}

	@Override
	public Result reconcile(String name) {
		PersistentVolume volume = this.volumes.apply(name);
		if (volume == null || volume.getMetadata().getDeletionTimestamp() != null) {
			return Result.done();
		}
		try {
			sync(volume);
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 409 && ex.getCode() != 404) {
				throw ex;
			}
		}
		return Result.done();
	}

	private void sync(PersistentVolume volume) {
		ObjectReference ref = volume.getSpec().getClaimRef();
		if (ref == null) {
			setPhase(volume, "Available");
			return;
		}
		PersistentVolumeClaim claim = this.claims.get(ref.getNamespace(), ref.getName());
		boolean claimGone = claim == null
				|| (ref.getUid() != null && !ref.getUid().equals(claim.getMetadata().getUid()));
		if (claimGone) {
			if (ref.getUid() == null) {
				// Pre-bound by a user to a claim that does not exist yet.
				setPhase(volume, "Available");
				return;
			}
			if ("Delete".equals(volume.getSpec().getPersistentVolumeReclaimPolicy())) {
				setPhase(volume, "Released");
				this.control.deleteVolume(volume);
				return;
			}
			setPhase(volume, "Released");
			return;
		}
		if (volume.getMetadata().getName().equals(claim.getSpec().getVolumeName())) {
			setPhase(volume, "Bound");
		}
		else {
			// The claim's side is still to be written (ClaimSync does it).
			setPhase(volume, "Available");
		}
	}

	private void setPhase(PersistentVolume volume, String phase) {
		if (phase.equals(Volumes.phase(volume))) {
			return;
		}
		PersistentVolume copy = Serialization.clone(volume);
		if (copy.getStatus() == null) {
			copy.setStatus(new PersistentVolumeStatus());
		}
		copy.getStatus().setPhase(phase);
		this.control.updateVolumeStatus(copy);
	}

}
