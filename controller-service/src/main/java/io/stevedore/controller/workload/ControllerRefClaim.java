package io.stevedore.controller.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.machinery.selectors.LabelSelector;

/**
 * Kubernetes' {@code ControllerRefManager.ClaimObject} (behind {@code ClaimPods},
 * {@code ClaimReplicaSets}, {@code ClaimControllerRevisions}): the objects a controller
 * owns after adopting orphans that match it and releasing its own objects that no longer
 * match.
 * <ul>
 * <li>An object controlled by someone else is never touched.</li>
 * <li>An orphan that matches is adopted (a controller ownerReference with
 * blockOwnerDeletion added) unless it is being deleted or the owner is, and only once
 * {@link CanAdopt} confirmed, with a fresh read, that the owner is still the one the
 * cache holds.</li>
 * <li>An object of the owner's that no longer matches is released (the reference by uid
 * removed) unless the owner is being deleted: the garbage collector handles those
 * dependents.</li>
 * </ul>
 * As in Kubernetes every object is looked at even when one write fails; the failures are
 * thrown at the end, so the sync is retried rather than acting on a partial claim.
 */
public final class ControllerRefClaim {

	private ControllerRefClaim() {
	}

	/** {@link #claim(HasMetadata, Predicate, List, CanAdopt, BiConsumer)} by labels. */
	public static <T extends HasMetadata> List<T> claim(HasMetadata owner, LabelSelector selector, List<T> objects,
			CanAdopt canAdopt, BiConsumer<T, List<OwnerReference>> patchOwnerReferences) {
		return claim(owner, (object) -> selects(selector, object), objects, canAdopt, patchOwnerReferences);
	}

	/**
	 * @param matches whether the owner wants the object (its selector, plus what else the
	 * controller requires, e.g. a StatefulSet's pod names)
	 * @param patchOwnerReferences writes an object's new ownerReferences, guarded by its
	 * resourceVersion ({@link OwnerReferencePatch})
	 * @return the objects the owner controls afterwards (as cached; adopted ones without
	 * their new reference)
	 * @throws RuntimeException the first failed adoption or release (the others
	 * suppressed), after every object was looked at
	 */
	public static <T extends HasMetadata> List<T> claim(HasMetadata owner, Predicate<T> matches, List<T> objects,
			CanAdopt canAdopt, BiConsumer<T, List<OwnerReference>> patchOwnerReferences) {
		boolean ownerDeleting = owner.getMetadata().getDeletionTimestamp() != null;
		String uid = owner.getMetadata().getUid();
		String namespace = owner.getMetadata().getNamespace();
		AdoptionCheck check = new AdoptionCheck(owner, canAdopt);
		List<RuntimeException> failures = new ArrayList<>();
		List<T> claimed = new ArrayList<>();
		for (T object : objects) {
			OwnerReference controller = ControllerRefs.controllerOf(object);
			if (controller != null) {
				if (!uid.equals(controller.getUid())) {
					continue;
				}
				if (matches.test(object)) {
					claimed.add(object);
				}
				else if (!ownerDeleting) {
					release(object, uid, patchOwnerReferences, failures);
				}
				continue;
			}
			if (ownerDeleting || object.getMetadata().getDeletionTimestamp() != null || !matches.test(object)
					|| (namespace != null && !namespace.equals(object.getMetadata().getNamespace()))) {
				continue;
			}
			if (adopt(owner, object, check, patchOwnerReferences, failures)) {
				claimed.add(object);
			}
		}
		if (!failures.isEmpty()) {
			RuntimeException first = failures.get(0);
			failures.subList(1, failures.size()).forEach(first::addSuppressed);
			throw first;
		}
		return claimed;
	}

	private static <T extends HasMetadata> boolean adopt(HasMetadata owner, T object, AdoptionCheck check,
			BiConsumer<T, List<OwnerReference>> patchOwnerReferences, List<RuntimeException> failures) {
		RuntimeException refused = check.refusal();
		if (refused != null) {
			failures.add(new IllegalStateException("can't adopt " + object.getKind() + " "
					+ object.getMetadata().getNamespace() + "/" + object.getMetadata().getName() + " ("
					+ object.getMetadata().getUid() + "): " + refused.getMessage(), refused));
			return false;
		}
		List<OwnerReference> refs = new ArrayList<>(object.getMetadata().getOwnerReferences() == null ? List.of()
				: object.getMetadata().getOwnerReferences());
		refs.add(ControllerRefs.of(owner));
		try {
			patchOwnerReferences.accept(object, refs);
			return true;
		}
		catch (KubernetesClientException ex) {
			// Gone meanwhile: nothing to adopt. Anything else (a conflict) is retried.
			if (ex.getCode() != 404) {
				failures.add(ex);
			}
			return false;
		}
	}

	private static <T extends HasMetadata> void release(T object, String ownerUid,
			BiConsumer<T, List<OwnerReference>> patchOwnerReferences, List<RuntimeException> failures) {
		List<OwnerReference> refs = object.getMetadata()
			.getOwnerReferences()
			.stream()
			.filter(ref -> !ownerUid.equals(ref.getUid()))
			.toList();
		try {
			patchOwnerReferences.accept(object, refs);
		}
		catch (KubernetesClientException ex) {
			// Gone already, or changed under us: either way no longer ours to hold.
			if (ex.getCode() != 404 && ex.getCode() != 422) {
				failures.add(ex);
			}
		}
	}

	/** Whether the selector matches the object's labels (none when it has none). */
	public static boolean selects(LabelSelector selector, HasMetadata object) {
		return selector.matches(object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels());
	}

	/** Kubernetes' {@code canAdoptOnce}: the fresh read at most once per claim. */
	private static final class AdoptionCheck {

		private final HasMetadata owner;

		private final CanAdopt canAdopt;

		private boolean checked;

		private RuntimeException refusal;

		AdoptionCheck(HasMetadata owner, CanAdopt canAdopt) {
			this.owner = owner;
			this.canAdopt = canAdopt;
		}

		RuntimeException refusal() {
			if (!this.checked) {
				this.checked = true;
				try {
					this.canAdopt.check(this.owner);
				}
				catch (RuntimeException ex) {
					this.refusal = ex;
				}
			}
			return this.refusal;
		}

	}

}
