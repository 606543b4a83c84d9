package io.stevedore.machinery.validation;

import java.util.List;

/**
 * How a kind's {@code metadata.name} is checked (Kubernetes' ValidateNameFunc). With
 * {@code prefix} the value is a generateName, which may end in a dash because random
 * characters follow.
 */
@FunctionalInterface
public interface NameValidator {

	List<String> validate(String name, boolean prefix);

	NameValidator DNS1123_SUBDOMAIN = (name, prefix) -> NameValidation
		.dns1123Subdomain(prefix ? maskTrailingDash(name) : name);

	NameValidator DNS1123_LABEL = (name, prefix) -> NameValidation.dns1123Label(prefix ? maskTrailingDash(name) : name);

	NameValidator DNS1035_LABEL = (name, prefix) -> NameValidation.dns1035Label(prefix ? maskTrailingDash(name) : name);

	/** Names that are one URL path segment: RBAC objects, PersistentVolumes, Events. */
	NameValidator PATH_SEGMENT = (name, prefix) -> prefix ? NameValidation.pathSegmentName("x" + name)
			: NameValidation.pathSegmentName(name);

	private static String maskTrailingDash(String name) {
		if (name.length() > 1 && name.endsWith("-")) {
			return name.substring(0, name.length() - 1) + "a";
		}
		return name;
	}

}
