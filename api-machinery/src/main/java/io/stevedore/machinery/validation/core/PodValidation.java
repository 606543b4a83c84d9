package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;

/**
 * Pods: the spec on create; on update only images, a shorter activeDeadlineSeconds, added
 * tolerations and a negative grace period raised to 1 may change (ValidatePodUpdate).
 */
public final class PodValidation implements KindValidator<Pod> {

	static final String UPDATE_FORBIDDEN = "pod updates may not change fields other than "
			+ "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
			+ "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
			+ "(allow it to be set to 1 if it was previously negative)";

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public List<FieldError> validate(Pod pod) {
		List<FieldError> errs = new ArrayList<>(PodSpecValidation.validate(pod.getSpec(), SPEC));
		if (pod.getSpec() != null) {
			errs.addAll(imagesWithoutWhitespace(list(pod.getSpec().getContainers()), SPEC.child("containers")));
			errs.addAll(imagesWithoutWhitespace(list(pod.getSpec().getInitContainers()), SPEC.child("initContainers")));
			if (!list(pod.getSpec().getEphemeralContainers()).isEmpty()) {
				// Only pods/ephemeralcontainers adds them, to a pod that runs.
				errs.add(FieldError.forbidden(SPEC.child("ephemeralContainers").toString(), "cannot be set on create"));
			}
		}
		return errs;
	}

	/**
	 * pods/ephemeralcontainers: the pod's spec as a whole stays valid with the new
	 * ephemeral containers, and those already there are kept unchanged
	 * (ValidatePodEphemeralContainersUpdate). Only that list reaches here: the rest of
	 * the spec is the stored one.
	 */
	@Override
	public List<FieldError> validateSubresourceUpdate(String subresource, Pod pod, Pod old) {
		if (!subresource.equals("ephemeralcontainers")) {
			return KindValidator.super.validateSubresourceUpdate(subresource, pod, old);
		}
		if (old.getMetadata().getAnnotations() != null
				&& old.getMetadata().getAnnotations().containsKey("kubernetes.io/config.mirror")) {
			return List.of(FieldError.forbidden("", "static pods do not support ephemeral containers"));
		}
		List<FieldError> errs = new ArrayList<>(PodSpecValidation.validate(pod.getSpec(), SPEC));
		errs.addAll(EphemeralContainerValidation.onlyAdded(list(pod.getSpec().getEphemeralContainers()),
				old.getSpec() == null ? List.of() : list(old.getSpec().getEphemeralContainers())));
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(Pod pod, Pod old) {
		List<FieldError> errs = new ArrayList<>();
		PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
		PodSpec oldSpec = old.getSpec() == null ? new PodSpec() : old.getSpec();
		List<Container> containers = list(spec.getContainers());
		List<Container> oldContainers = list(oldSpec.getContainers());
		if (containers.size() != oldContainers.size()) {
			errs.add(FieldError.forbidden(SPEC.child("containers").toString(),
					"pod updates may not add or remove containers"));
			return errs;
		}
		for (int i = 0; i < containers.size(); i++) {
			if (isEmpty(containers.get(i).getImage())) {
				errs.add(FieldError.required(SPEC.child("containers").index(i).child("image").toString(), ""));
			}
		}
		List<FieldError> deadline = activeDeadlineUpdate(spec.getActiveDeadlineSeconds(),
				oldSpec.getActiveDeadlineSeconds());
		if (!deadline.isEmpty()) {
			errs.addAll(deadline);
			return errs;
		}
		errs.addAll(onlyAddedTolerations(list(spec.getTolerations()), list(oldSpec.getTolerations())));
		if (!sameExceptMutableFields(spec, oldSpec)) {
			errs.add(FieldError.forbidden(SPEC.toString(), UPDATE_FORBIDDEN));
		}
		return errs;
	}

	@Override
	public List<FieldError> validateStatusUpdate(Pod pod, Pod old) {
		List<FieldError> errs = new ArrayList<>();
		if (pod.getStatus() == null) {
			return errs;
		}
		List<PodIP> ips = list(pod.getStatus().getPodIPs());
		for (int i = 0; i < ips.size(); i++) {
			errs.addAll(CommonValidation.ip(ips.get(i).getIp(),
					FieldPath.root("status").child("podIPs").index(i).child("ip")));
		}
		if (!isEmpty(pod.getStatus().getPodIP()) && ips.isEmpty()) {
			errs.addAll(CommonValidation.ip(pod.getStatus().getPodIP(), FieldPath.root("status").child("podIP")));
		}
		return errs;
	}

	private static List<FieldError> imagesWithoutWhitespace(List<Container> containers, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		for (int i = 0; i < containers.size(); i++) {
			String image = containers.get(i).getImage();
			if (image != null && !image.equals(image.strip())) {
				errs.add(FieldError.invalid(path.index(i).child("image").toString(), image,
						"must not have leading or trailing whitespace"));
			}
		}
		return errs;
	}

	/** From unset to a value, or to a smaller value; never back to unset. */
	private static List<FieldError> activeDeadlineUpdate(Long value, Long old) {
		String path = SPEC.child("activeDeadlineSeconds").toString();
		if (value != null) {
			if (value < 0 || value > 4294967295L) {
				return List.of(FieldError.invalid(path, value,
						io.stevedore.machinery.validation.NameValidation.inclusiveRangeError(0, 4294967295L)));
			}
			if (old != null && old < value) {
				return List.of(FieldError.invalid(path, value, "must be less than or equal to previous value"));
			}
		}
		else if (old != null) {
			return List.of(FieldError.invalid(path, "null", "must not update from a positive integer to a nil value"));
		}
		return List.of();
	}

	private static List<FieldError> onlyAddedTolerations(List<Toleration> tolerations, List<Toleration> old) {
		List<FieldError> errs = new ArrayList<>();
		FieldPath path = SPEC.child("tolerations");
		for (Toleration o : old) {
			boolean found = tolerations.stream().anyMatch(t -> {
				Toleration clone = new TolerationBuilder(o).withTolerationSeconds(t.getTolerationSeconds()).build();
				return clone.equals(t);
			});
			if (!found) {
				errs.add(FieldError.forbidden(path.toString(),
						"existing toleration can not be modified except its tolerationSeconds"));
				return errs;
			}
		}
		errs.addAll(TolerationValidation.validate(tolerations, path));
		return errs;
	}

	/**
	 * Compares a copy of the new spec in which every mutable field holds its old value.
	 */
	private static boolean sameExceptMutableFields(PodSpec spec, PodSpec old) {
		if (spec == old) {
			// A write that changed the loaded pod itself (pods/binding): nothing to
			// compare,
			// and the two JSON conversions below were a tenth of a bind.
			return true;
		}
		PodSpec copy = CommonValidation.deepCopy(spec, PodSpec.class);
		copyImages(list(copy.getContainers()), list(old.getContainers()));
		copyImages(list(copy.getInitContainers()), list(old.getInitContainers()));
		copy.setActiveDeadlineSeconds(old.getActiveDeadlineSeconds());
		copy.setTolerations(old.getTolerations());
		Long grace = spec.getTerminationGracePeriodSeconds();
		Long oldGrace = old.getTerminationGracePeriodSeconds();
		if (oldGrace != null && oldGrace < 0 && Objects.equals(grace, 1L)) {
			copy.setTerminationGracePeriodSeconds(oldGrace);
		}
		return CommonValidation.semanticEquals(copy, old);
	}

	private static void copyImages(List<Container> into, List<Container> from) {
		for (int i = 0; i < Math.min(into.size(), from.size()); i++) {
			into.get(i).setImage(from.get(i).getImage());
		}
	}

}
