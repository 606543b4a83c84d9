package io.stevedore.controller.volume;

import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;

/** What the binder asks of a volume and a claim (Kubernetes' pv_controller helpers). */
final class Volumes {

	static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";

	static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";

	static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";

	private Volumes() {
	}

	static String className(PersistentVolumeClaim claim) {
		return claim.getSpec().getStorageClassName() == null ? "" : claim.getSpec().getStorageClassName();
	}

	static String className(PersistentVolume volume) {
		return volume.getSpec().getStorageClassName() == null ? "" : volume.getSpec().getStorageClassName();
	}

	static String phase(PersistentVolume volume) {
		return volume.getStatus() == null ? null : volume.getStatus().getPhase();
	}

	static String phase(PersistentVolumeClaim claim) {
		return claim.getStatus() == null ? null : claim.getStatus().getPhase();
	}

	/** The volume's claimRef names this claim (and its uid, once the ref carries one). */
	static boolean refersTo(PersistentVolume volume, PersistentVolumeClaim claim) {
		ObjectReference ref = volume.getSpec().getClaimRef();
		if (ref == null || !claim.getMetadata().getName().equals(ref.getName())
				|| !claim.getMetadata().getNamespace().equals(ref.getNamespace())) {
			return false;
		}
		return ref.getUid() == null || ref.getUid().equals(claim.getMetadata().getUid());
	}

	/**
	 * The volume can serve the claim: same class, every requested access mode, enough
	 * capacity, and reachable from the node when the claim waits on one.
	 */
	static boolean matches(PersistentVolume volume, PersistentVolumeClaim claim, String node) {
		if (volume.getMetadata().getDeletionTimestamp() != null || !className(volume).equals(className(claim))) {
			return false;
		}
		List<String> modes = volume.getSpec().getAccessModes() == null ? List.of() : volume.getSpec().getAccessModes();
		if (claim.getSpec().getAccessModes() != null && !modes.containsAll(claim.getSpec().getAccessModes())) {
			return false;
		}
		if (!Objects.equals(mode(volume.getSpec().getVolumeMode()), mode(claim.getSpec().getVolumeMode()))) {
			return false;
		}
		if (bytes(requested(claim)) > bytes(capacity(volume))) {
			return false;
		}
		return node == null || reachableFrom(volume, node);
	}

	private static String mode(String mode) {
		return mode == null ? "Filesystem" : mode;
	}

	/**
	 * The volume's required node affinity admits the node, judged by its
	 * {@code kubernetes.io/hostname} terms (the only label a local volume names here).
	 */
	static boolean reachableFrom(PersistentVolume volume, String node) {
		String required = requiredNode(volume);
		return required == null || required.equals(node);
	}

	/** The one node a local volume lives on, or null when it is not tied to one. */
	static String requiredNode(PersistentVolume volume) {
		if (volume.getSpec().getNodeAffinity() == null || volume.getSpec().getNodeAffinity().getRequired() == null) {
			return null;
		}
		for (NodeSelectorTerm term : volume.getSpec().getNodeAffinity().getRequired().getNodeSelectorTerms()) {
			for (NodeSelectorRequirement requirement : term.getMatchExpressions() == null
					? List.<NodeSelectorRequirement>of() : term.getMatchExpressions()) {
				if (LocalPathProvisioner.HOSTNAME_LABEL.equals(requirement.getKey())
						&& "In".equals(requirement.getOperator()) && requirement.getValues() != null
						&& requirement.getValues().size() == 1) {
					return requirement.getValues().get(0);
				}
			}
		}
		return null;
	}

	static Quantity requested(PersistentVolumeClaim claim) {
		if (claim.getSpec().getResources() == null || claim.getSpec().getResources().getRequests() == null) {
			return null;
		}
		return claim.getSpec().getResources().getRequests().get("storage");
	}

	static Quantity capacity(PersistentVolume volume) {
		return volume.getSpec().getCapacity() == null ? null : volume.getSpec().getCapacity().get("storage");
	}

	static long bytes(Quantity quantity) {
		return quantity == null ? 0 : Quantity.getAmountInBytes(quantity).longValue();
	}

}
