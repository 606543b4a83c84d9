package io.stevedore.controller.workload;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * The controller ownerReference every workload controller puts on what it creates
 * (Kubernetes' {@code metav1.NewControllerRef}) and finds again to tell its own objects
 * from others'.
 */
public final class ControllerRefs {

	private ControllerRefs() {
	}

	/** controller=true, blockOwnerDeletion=true, so foreground deletion waits for it. */
	public static OwnerReference of(HasMetadata owner) {
		return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion())
			.withKind(owner.getKind())
			.withName(owner.getMetadata().getName())
			.withUid(owner.getMetadata().getUid())
			.withController(true)
			.withBlockOwnerDeletion(true)
			.build();
	}

	/** The ownerReference with controller=true, or null. */
	public static OwnerReference controllerOf(HasMetadata object) {
		List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
		if (refs == null) {
			return null;
		}
		return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().orElse(null);
	}

	/** Whether the object's controller is the owner with this uid. */
	public static boolean isControlledBy(HasMetadata object, String ownerUid) {
		OwnerReference ref = controllerOf(object);
		return ref != null && ref.getUid() != null && ref.getUid().equals(ownerUid);
	}

}
