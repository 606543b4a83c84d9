package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Restricted (v1.19+): a seccomp profile of RuntimeDefault or Localhost must be set, on
 * the pod or on every container; Windows pods exempt from v1.25.
 */
final class SeccompProfileRestricted {

	private SeccompProfileRestricted() {
	}

	static Check check() {
		return Check.restrictedOverriding("seccompProfile_restricted", "seccompProfile_baseline",
				Check.Revision.since(19, SeccompProfileRestricted::seccompProfileRestricted1Dot19), Check.Revision
					.since(25, WindowsPods.exceptWindows(SeccompProfileRestricted::seccompProfileRestricted1Dot19)));
	}

	static CheckResult seccompProfileRestricted1Dot19(ObjectMeta metadata, PodSpec spec) {
		List<String> badSetters = new ArrayList<>();
		TreeSet<String> badValues = new TreeSet<>();
		boolean podSeccompSet = false;
		if (spec.getSecurityContext() != null && spec.getSecurityContext().getSeccompProfile() != null) {
			if (SeccompProfileBaseline.validType(spec.getSecurityContext().getSeccompProfile())) {
				podSeccompSet = true;
			}
			else {
				badSetters.add("pod");
				badValues.add(SeccompProfileBaseline.typeOf(spec.getSecurityContext().getSeccompProfile()));
			}
		}
		List<String> explicitlyBad = new ArrayList<>();
		List<String> implicitlyBad = new ArrayList<>();
		for (PodContainers container : PodContainers.of(spec)) {
			if (container.securityContext() != null && container.securityContext().getSeccompProfile() != null) {
				if (!SeccompProfileBaseline.validType(container.securityContext().getSeccompProfile())) {
					explicitlyBad.add(container.name());
					badValues.add(SeccompProfileBaseline.typeOf(container.securityContext().getSeccompProfile()));
				}
			}
			else if (!podSeccompSet) {
				implicitlyBad.add(container.name());
			}
		}
		if (!explicitlyBad.isEmpty()) {
			badSetters.add(Texts.containers(explicitlyBad));
		}
		if (!badSetters.isEmpty()) {
			return CheckResult.forbidden("seccompProfile", String.join(" and ", badSetters)
					+ " must not set securityContext.seccompProfile.type to " + Texts.joinQuote(badValues));
		}
		if (!implicitlyBad.isEmpty()) {
			return CheckResult.forbidden("seccompProfile", "pod or " + Texts.containers(implicitlyBad)
					+ " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
		}
		return CheckResult.ok();
	}

}
