package io.stevedore.controller.volume;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.CacheLister;

/**
 * The claim half of Kubernetes' PersistentVolume binder ({@code syncClaim}). Keys are
 * claim keys. A claim is bound in the order Kubernetes uses, each step one write whose
 * informer event brings the claim back here: the volume's claimRef, then the claim's
 * volumeName, then the claim's status Bound. A claim without a matching volume gets one
 * from its class's provisioner when that is {@code stevedore.io/local-path} and the
 * scheduler picked a node ({@code WaitForFirstConsumer}); otherwise it stays Pending.
 */
public final class ClaimSync implements Reconciler {

	private final CacheLister<PersistentVolumeClaim> claims;

	private final Function<String, PersistentVolume> volume;

	private final Supplier<List<PersistentVolume>> volumes;

	private final Function<String, StorageClass> classes;

	private final LocalPathProvisioner provisioner;

	private final VolumeBinderControl control;

	public ClaimSync(CacheLister<PersistentVolumeClaim> claims, Function<String, PersistentVolume> volume,
			Supplier<List<PersistentVolume>> volumes, Function<String, StorageClass> classes,
			LocalPathProvisioner provisioner, VolumeBinderControl control) {
		this.claims = claims;
		this.volume = volume;
		this.volumes = volumes;
		this.classes = classes;
		this.provisioner = provisioner;
		this.control = control;
	}

	@Override
	public Result reconcile(String key) {
		Keys.check(key);
		PersistentVolumeClaim claim = this.claims.get(Keys.namespace(key), Keys.name(key));
		if (claim == null || claim.getMetadata().getDeletionTimestamp() != null) {
			return Result.done();
		}
		try {
			String volumeName = claim.getSpec().getVolumeName();
			if (volumeName == null || volumeName.isEmpty()) {
				syncUnboundClaim(claim);
			}
			else {
				syncBoundClaim(claim, volumeName);
			}
		}
		catch (KubernetesClientException ex) {
			// 409: the cache was behind a write; the informer event brings the key back.
			if (ex.getCode() != 409) {
				throw ex;
			}
		}
		return Result.done();
	}

	private void syncUnboundClaim(PersistentVolumeClaim claim) {
		String node = annotation(claim, Volumes.SELECTED_NODE);
		StorageClass storageClass = Volumes.className(claim).isEmpty() ? null
				: this.classes.apply(Volumes.className(claim));
		boolean waitForConsumer = storageClass != null
				&& "WaitForFirstConsumer".equals(storageClass.getVolumeBindingMode());
		if (waitForConsumer && node == null) {
			// Kubernetes binds such a claim only once a pod using it is scheduled.
			setClaimPhase(claim, "Pending");
			return;
		}
		PersistentVolume match = bestMatch(claim, node);
		if (match != null) {
			bindVolumeToClaim(match, claim);
			return;
		}
		if (storageClass != null && LocalPathProvisioner.NAME.equals(storageClass.getProvisioner())) {
			if (node == null) {
				this.control.event(claim, "Warning", "ProvisioningFailed", "storageclass \""
						+ storageClass.getMetadata().getName()
						+ "\": the local-path provisioner needs volumeBindingMode WaitForFirstConsumer (a node to put the volume on)");
				setClaimPhase(claim, "Pending");
				return;
			}
			PersistentVolume created = this.provisioner.volumeFor(claim, storageClass, node);
			try {
				this.control.createVolume(created);
			}
			catch (KubernetesClientException ex) {
				if (ex.getCode() != 409) {
					throw ex;
				}
			}
			this.control.event(claim, "Normal", "ProvisioningSucceeded",
					"Successfully provisioned volume " + created.getMetadata().getName() + " on node " + node);
			setClaimPhase(claim, "Pending");
			return;
		}
		if (storageClass == null && !Volumes.className(claim).isEmpty()) {
			this.control.event(claim, "Warning", "ProvisioningFailed",
					"storageclass.storage.k8s.io \"" + Volumes.className(claim) + "\" not found");
		}
		else if (storageClass == null) {
			this.control.event(claim, "Normal", "FailedBinding",
					"no persistent volumes available for this claim and no storage class is set");
		}
		setClaimPhase(claim, "Pending");
	}

	/**
	 * A volume pre-bound to this claim first, else the smallest one that fits, as
	 * Kubernetes' {@code findBestMatchForClaim}.
	 */
	private PersistentVolume bestMatch(PersistentVolumeClaim claim, String node) {
		PersistentVolume best = null;
		for (PersistentVolume candidate : this.volumes.get()) {
			if (!Volumes.matches(candidate, claim, node)) {
				continue;
			}
			if (candidate.getSpec().getClaimRef() != null) {
				if (Volumes.refersTo(candidate, claim)) {
					return candidate;
				}
				continue;
			}
			if (!"Available".equals(Volumes.phase(candidate)) && Volumes.phase(candidate) != null) {
				continue;
			}
			if (best == null || Comparator.comparingLong((PersistentVolume v) -> Volumes.bytes(Volumes.capacity(v)))
				.compare(candidate, best) < 0) {
				best = candidate;
			}
		}
		return best;
	}

	/** Step one: the volume's claimRef (skipped when it already names the claim). */
	private void bindVolumeToClaim(PersistentVolume volume, PersistentVolumeClaim claim) {
		if (volume.getSpec().getClaimRef() == null || volume.getSpec().getClaimRef().getUid() == null) {
			PersistentVolume copy = Serialization.clone(volume);
			copy.getSpec()
				.setClaimRef(new ObjectReferenceBuilder().withApiVersion("v1")
					.withKind("PersistentVolumeClaim")
					.withNamespace(claim.getMetadata().getNamespace())
					.withName(claim.getMetadata().getName())
					.withUid(claim.getMetadata().getUid())
					.withResourceVersion(claim.getMetadata().getResourceVersion())
					.build());
			if (volume.getSpec().getClaimRef() == null) {
				annotations(copy.getMetadata()).put(Volumes.BOUND_BY_CONTROLLER, "yes");
			}
			this.control.updateVolume(copy);
		}
		// Step two: the claim names the volume.
		PersistentVolumeClaim copy = Serialization.clone(claim);
		copy.getSpec().setVolumeName(volume.getMetadata().getName());
		annotations(copy.getMetadata()).put(Volumes.BIND_COMPLETED, "yes");
		annotations(copy.getMetadata()).put(Volumes.BOUND_BY_CONTROLLER, "yes");
		this.control.updateClaim(copy);
	}

	private void syncBoundClaim(PersistentVolumeClaim claim, String volumeName) {
		PersistentVolume volume = this.volume.apply(volumeName);
		if (volume == null) {
			// A claim that was Bound lost its volume; one never bound waits for it.
			if ("Bound".equals(Volumes.phase(claim)) || "Lost".equals(Volumes.phase(claim))) {
				if (!"Lost".equals(Volumes.phase(claim))) {
					this.control.event(claim, "Warning", "ClaimLost",
							"Bound claim has lost its PersistentVolume. Data on the volume is lost!");
				}
				setClaimPhase(claim, "Lost");
			}
			else {
				setClaimPhase(claim, "Pending");
			}
			return;
		}
		if (volume.getSpec().getClaimRef() == null) {
			// The user pre-bound the claim by volumeName: finish the volume's side.
			if (Volumes.matches(volume, claim, null)) {
				bindVolumeToClaim(volume, claim);
			}
			else {
				this.control.event(claim, "Warning", "VolumeMismatch",
						"Cannot bind to requested volume \"" + volumeName + "\": it does not fit the claim");
				setClaimPhase(claim, "Pending");
			}
			return;
		}
		if (!Volumes.refersTo(volume, claim)) {
			this.control.event(claim, "Warning", "FailedBinding",
					"volume \"" + volumeName + "\" already bound to a different claim.");
			setClaimPhase(claim, "Pending");
			return;
		}
		if (volume.getSpec().getClaimRef().getUid() == null) {
			bindVolumeToClaim(volume, claim);
			return;
		}
		if (!"yes".equals(annotation(claim, Volumes.BIND_COMPLETED))) {
			PersistentVolumeClaim copy = Serialization.clone(claim);
			annotations(copy.getMetadata()).put(Volumes.BIND_COMPLETED, "yes");
			this.control.updateClaim(copy);
			return;
		}
		// Step three: the claim's status shows what it got.
		PersistentVolumeClaimStatus status = claim.getStatus() == null ? new PersistentVolumeClaimStatus()
				: claim.getStatus();
		if ("Bound".equals(status.getPhase()) && Objects.equals(status.getCapacity(), volume.getSpec().getCapacity())
				&& Objects.equals(status.getAccessModes(), volume.getSpec().getAccessModes())) {
			return;
		}
		PersistentVolumeClaim copy = Serialization.clone(claim);
		copy.setStatus(new PersistentVolumeClaimStatus());
		copy.getStatus().setPhase("Bound");
		copy.getStatus().setCapacity(volume.getSpec().getCapacity());
		copy.getStatus().setAccessModes(volume.getSpec().getAccessModes());
		this.control.updateClaimStatus(copy);
	}

	private void setClaimPhase(PersistentVolumeClaim claim, String phase) {
		if (phase.equals(Volumes.phase(claim))) {
			return;
		}
		PersistentVolumeClaim copy = Serialization.clone(claim);
		if (copy.getStatus() == null) {
			copy.setStatus(new PersistentVolumeClaimStatus());
		}
		copy.getStatus().setPhase(phase);
		this.control.updateClaimStatus(copy);
	}

	private static String annotation(PersistentVolumeClaim claim, String name) {
		return claim.getMetadata().getAnnotations() == null ? null : claim.getMetadata().getAnnotations().get(name);
	}

	static Map<String, String> annotations(io.fabric8.kubernetes.api.model.ObjectMeta meta) {
		if (meta.getAnnotations() == null) {
			meta.setAnnotations(new HashMap<>());
		}
		return meta.getAnnotations();
	}

}
