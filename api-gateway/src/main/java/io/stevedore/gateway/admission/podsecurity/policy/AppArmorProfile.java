package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Baseline: the AppArmor profile may only be RuntimeDefault or Localhost, set by the
 * {@code appArmorProfile} fields of the pod or a container, or by the deprecated
 * {@code container.apparmor.security.beta.kubernetes.io/*} annotations
 * ({@code runtime/default}, {@code localhost/*} or empty).
 */
final class AppArmorProfile {

	static final String ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

	private AppArmorProfile() {
	}

	static Check check() {
		return Check.baseline("appArmorProfile", Check.Revision.since(0, AppArmorProfile::appArmorProfile1Dot0));
	}

	private static boolean allowedType(io.fabric8.kubernetes.api.model.AppArmorProfile profile) {
		return "RuntimeDefault".equals(profile.getType()) || "Localhost".equals(profile.getType());
	}

	private static boolean allowedAnnotationValue(String value) {
		return value == null || value.isEmpty() || "runtime/default".equals(value) || value.startsWith("localhost/");
	}

	static CheckResult appArmorProfile1Dot0(ObjectMeta metadata, PodSpec spec) {
		List<String> badSetters = new ArrayList<>();
		TreeSet<String> badValues = new TreeSet<>();
		if (spec.getSecurityContext() != null && spec.getSecurityContext().getAppArmorProfile() != null
				&& !allowedType(spec.getSecurityContext().getAppArmorProfile())) {
			badSetters.add("pod");
			badValues.add(nullToEmpty(spec.getSecurityContext().getAppArmorProfile().getType()));
		}
		List<String> badContainers = new ArrayList<>();
		for (PodContainers container : PodContainers.of(spec)) {
			if (container.securityContext() != null && container.securityContext().getAppArmorProfile() != null
					&& !allowedType(container.securityContext().getAppArmorProfile())) {
				badContainers.add(container.name());
				badValues.add(nullToEmpty(container.securityContext().getAppArmorProfile().getType()));
			}
		}
		if (!badContainers.isEmpty()) {
			badSetters.add(Texts.containers(badContainers));
		}
		List<String> forbiddenAnnotations = new ArrayList<>();
		Map<String, String> annotations = metadata.getAnnotations() == null ? Map.of() : metadata.getAnnotations();
		annotations.forEach((key, value) -> {
			if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(value)) {
				forbiddenAnnotations.add(key + "=" + Texts.goQuote(value));
			}
		});
		List<String> badValueList = new ArrayList<>(badValues);
		if (!forbiddenAnnotations.isEmpty()) {
			forbiddenAnnotations.sort(null);
			badValueList.addAll(forbiddenAnnotations);
			badSetters.add(Texts.pluralize("annotation", "annotations", forbiddenAnnotations.size()));
		}
		if (badSetters.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden(
				Texts.pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", badValueList.size()),
				String.join(" and ", badSetters) + " must not set AppArmor profile type to "
						+ Texts.joinQuote(badValueList));
	}

	private static String nullToEmpty(String value) {
		return value == null ? "" : value;
	}

}
