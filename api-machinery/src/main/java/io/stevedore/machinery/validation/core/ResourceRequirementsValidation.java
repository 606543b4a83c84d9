package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.quantity.Quantity;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.NameValidation;

/**
 * A container's {@code resources}: resource names, quantities, and requests no greater
 * than limits (equal for resources that cannot be overcommitted: hugepages and extended
 * resources), as ValidateContainerResourceRequirements.
 */
public final class ResourceRequirementsValidation {

	private static final Set<String> STANDARD_CONTAINER_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage");

	private ResourceRequirementsValidation() {
	}

	public static List<FieldError> validate(ResourceRequirements resources, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (resources == null) {
			return errs;
		}
		FieldPath limPath = path.child("limits");
		FieldPath reqPath = path.child("requests");
		Map<String, io.fabric8.kubernetes.api.model.Quantity> limits = map(resources.getLimits());
		for (Map.Entry<String, io.fabric8.kubernetes.api.model.Quantity> e : limits.entrySet()) {
			FieldPath p = limPath.key(e.getKey());
			errs.addAll(containerResourceName(e.getKey(), p));
			errs.addAll(CommonValidation.quantity(e.getValue(), p, isIntegerResource(e.getKey())));
		}
		for (Map.Entry<String, io.fabric8.kubernetes.api.model.Quantity> e : map(resources.getRequests()).entrySet()) {
			String name = e.getKey();
			FieldPath p = reqPath.key(name);
			errs.addAll(containerResourceName(name, p));
			errs.addAll(CommonValidation.quantity(e.getValue(), p, isIntegerResource(name)));
			Quantity request = CommonValidation.parsedOrNull(e.getValue());
			if (limits.containsKey(name)) {
				Quantity limit = CommonValidation.parsedOrNull(limits.get(name));
				if (request == null || limit == null) {
					continue;
				}
				if (request.compareTo(limit) != 0 && !isOvercommitAllowed(name)) {
					errs.add(FieldError.invalid(reqPath.toString(), request.toString(),
							"must be equal to " + name + " limit of " + limit));
				}
				else if (request.compareTo(limit) > 0) {
					errs.add(FieldError.invalid(reqPath.toString(), request.toString(),
							"must be less than or equal to " + name + " limit of " + limit));
				}
			}
			else if (!isOvercommitAllowed(name)) {
				errs.add(FieldError.required(limPath.toString(), "Limit must be set for non overcommitable resources"));
			}
		}
		return errs;
	}

	static List<FieldError> containerResourceName(String name, FieldPath path) {
		List<FieldError> errs = new ArrayList<>(CommonValidation.check(name, path, NameValidation::qualifiedName));
		if (!name.contains("/")) {
			if (!isStandardContainerResource(name)) {
				errs.add(FieldError.invalid(path.toString(), name, "must be a standard resource for containers"));
			}
		}
		else if (!isNative(name) && !isExtended(name)) {
			errs.add(FieldError.invalid(path.toString(), name, "doesn't follow extended resource name standard"));
		}
		return errs;
	}

	static boolean isStandardContainerResource(String name) {
		return STANDARD_CONTAINER_RESOURCES.contains(name) || name.startsWith("hugepages-");
	}

	/** Resources in the kubernetes.io namespace, or unqualified. */
	static boolean isNative(String name) {
		return !name.contains("/") || name.contains("kubernetes.io/");
	}

	static boolean isExtended(String name) {
		if (isNative(name) || name.startsWith("requests.")) {
			return false;
		}
		return NameValidation.qualifiedName("requests." + name).isEmpty();
	}

	static boolean isOvercommitAllowed(String name) {
		return isNative(name) && !name.startsWith("hugepages-");
	}

	/**
	 * Resources counted in whole units; only cpu-like and storage-like ones take
	 * fractions.
	 */
	static boolean isIntegerResource(String name) {
		return isExtended(name);
	}

}
