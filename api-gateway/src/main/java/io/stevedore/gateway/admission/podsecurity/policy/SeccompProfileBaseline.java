package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;

/**
 * Baseline: a seccomp profile, where set, is RuntimeDefault or Localhost. Before v1.19
 * the policy read the alpha annotations; from v1.19 the {@code seccompProfile} fields.
 * Superseded by {@link SeccompProfileRestricted} at restricted from v1.19.
 */
final class SeccompProfileBaseline {

	static final String POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";

	static final String CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

	private SeccompProfileBaseline() {
	}

	static Check check() {
		return Check.baseline("seccompProfile_baseline",
				Check.Revision.since(0, SeccompProfileBaseline::seccompProfileBaseline1Dot0),
				Check.Revision.since(19, SeccompProfileBaseline::seccompProfileBaseline1Dot19));
	}

	static boolean validType(SeccompProfile profile) {
		return "Localhost".equals(profile.getType()) || "RuntimeDefault".equals(profile.getType());
	}

	private static boolean validAnnotationValue(String value) {
		return "runtime/default".equals(value) || "docker/default".equals(value)
				|| (value != null && value.startsWith("localhost/"));
	}

	static CheckResult seccompProfileBaseline1Dot0(ObjectMeta metadata, PodSpec spec) {
		Map<String, String> annotations = metadata.getAnnotations() == null ? Map.of() : metadata.getAnnotations();
		TreeSet<String> forbidden = new TreeSet<>();
		if (annotations.containsKey(POD_ANNOTATION) && !validAnnotationValue(annotations.get(POD_ANNOTATION))) {
			forbidden.add(POD_ANNOTATION + "=" + Texts.goQuote(annotations.get(POD_ANNOTATION)));
		}
		for (PodContainers container : PodContainers.of(spec)) {
			String key = CONTAINER_ANNOTATION_PREFIX + container.name();
			if (annotations.containsKey(key) && !validAnnotationValue(annotations.get(key))) {
				forbidden.add(key + "=" + Texts.goQuote(annotations.get(key)));
			}
		}
		if (forbidden.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("seccompProfile", "forbidden "
				+ Texts.pluralize("annotation", "annotations", forbidden.size()) + " " + String.join(", ", forbidden));
	}

	static CheckResult seccompProfileBaseline1Dot19(ObjectMeta metadata, PodSpec spec) {
		List<String> badSetters = new ArrayList<>();
		TreeSet<String> badValues = new TreeSet<>();
		if (spec.getSecurityContext() != null && spec.getSecurityContext().getSeccompProfile() != null
				&& !validType(spec.getSecurityContext().getSeccompProfile())) {
			badSetters.add("pod");
			badValues.add(typeOf(spec.getSecurityContext().getSeccompProfile()));
		}
		List<String> bad = new ArrayList<>();
		for (PodContainers container : PodContainers.of(spec)) {
			if (container.securityContext() != null && container.securityContext().getSeccompProfile() != null
					&& !validType(container.securityContext().getSeccompProfile())) {
				bad.add(container.name());
				badValues.add(typeOf(container.securityContext().getSeccompProfile()));
			}
		}
		if (!bad.isEmpty()) {
			badSetters.add(Texts.containers(bad));
		}
		if (badSetters.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("seccompProfile", String.join(" and ", badSetters)
				+ " must not set securityContext.seccompProfile.type to " + Texts.joinQuote(badValues));
	}

	static String typeOf(SeccompProfile profile) {
		return profile.getType() == null ? "" : profile.getType();
	}

}
