package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Restricted: {@code runAsNonRoot=true} on the pod, or on every container that does not
 * inherit it; nobody sets it false. (The relaxation for user-namespaced pods sits behind
 * a feature gate that is off in v1.32.)
 */
final class RunAsNonRoot {

	private RunAsNonRoot() {
	}

	static Check check() {
		return Check.restricted("runAsNonRoot", Check.Revision.since(0, RunAsNonRoot::runAsNonRoot1Dot0));
	}

	static CheckResult runAsNonRoot1Dot0(ObjectMeta metadata, PodSpec spec) {
		List<String> badSetters = new ArrayList<>();
		boolean podRunAsNonRoot = false;
		if (spec.getSecurityContext() != null && spec.getSecurityContext().getRunAsNonRoot() != null) {
			if (spec.getSecurityContext().getRunAsNonRoot()) {
				podRunAsNonRoot = true;
			}
			else {
				badSetters.add("pod");
			}
		}
		List<String> explicitlyBad = new ArrayList<>();
		List<String> implicitlyBad = new ArrayList<>();
		for (PodContainers container : PodContainers.of(spec)) {
			Boolean value = container.securityContext() == null ? null : container.securityContext().getRunAsNonRoot();
			if (value != null) {
				if (!value) {
					explicitlyBad.add(container.name());
				}
			}
			else if (!podRunAsNonRoot) {
				implicitlyBad.add(container.name());
			}
		}
		if (!explicitlyBad.isEmpty()) {
			badSetters.add(Texts.containers(explicitlyBad));
		}
		if (!badSetters.isEmpty()) {
			return CheckResult.forbidden("runAsNonRoot != true",
					String.join(" and ", badSetters) + " must not set securityContext.runAsNonRoot=false");
		}
		if (!implicitlyBad.isEmpty()) {
			return CheckResult.forbidden("runAsNonRoot != true",
					"pod or " + Texts.containers(implicitlyBad) + " must set securityContext.runAsNonRoot=true");
		}
		return CheckResult.ok();
	}

}
