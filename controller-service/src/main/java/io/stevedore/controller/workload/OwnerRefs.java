package io.stevedore.controller.workload;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Controller references (Kubernetes' {@code metav1.GetControllerOf} and friends). */
public final class OwnerRefs {

	/** Kubernetes' name length limit minus the 5 random characters generateName adds. */
	private static final int MAX_GENERATE_NAME_PREFIX = 63 - 5;

	private OwnerRefs() {
	}

	/**
	 * A controller reference to {@code owner}: {@code controller: true} so only one
	 * controller acts on the dependent, {@code blockOwnerDeletion: true} so a foreground
	 * deletion of the owner waits for it.
	 */
	public static OwnerReference controllerRef(HasMetadata owner, String apiVersion, String kind) {
		return new OwnerReferenceBuilder().withApiVersion(apiVersion)
			.withKind(kind)
			.withName(owner.getMetadata().getName())
			.withUid(owner.getMetadata().getUid())
			.withController(true)
			.withBlockOwnerDeletion(true)
			.build();
	}

	public static Optional<OwnerReference> controllerOf(HasMetadata object) {
		List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
		if (refs == null) {
			return Optional.empty();
		}
		return refs.stream().filter(ref -> Boolean.TRUE.equals(ref.getController())).findFirst();
	}

	/** Whether {@code object}'s controller is {@code owner} (matched by UID). */
	public static boolean isControlledBy(HasMetadata object, HasMetadata owner) {
		return controllerOf(object).map(ref -> ref.getUid().equals(owner.getMetadata().getUid())).orElse(false);
	}

	/** Kubernetes' {@code getPodsPrefix}: a prefix short enough for generateName. */
	public static String generateNamePrefix(String prefix) {
		return prefix.length() > MAX_GENERATE_NAME_PREFIX ? prefix.substring(0, MAX_GENERATE_NAME_PREFIX) : prefix;
	}

}
