package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/** Restricted (v1.23+): neither the pod nor a container sets {@code runAsUser: 0}. */
final class RunAsUser {

	private RunAsUser() {
	}

	static Check check() {
		return Check.restricted("runAsUser", Check.Revision.since(23, RunAsUser::runAsUser1Dot23));
	}

	static CheckResult runAsUser1Dot23(ObjectMeta metadata, PodSpec spec) {
		List<String> badSetters = new ArrayList<>();
		if (spec.getSecurityContext() != null && Long.valueOf(0).equals(spec.getSecurityContext().getRunAsUser())) {
			badSetters.add("pod");
		}
		List<String> bad = new ArrayList<>();
		for (PodContainers container : PodContainers.of(spec)) {
			if (container.securityContext() != null
					&& Long.valueOf(0).equals(container.securityContext().getRunAsUser())) {
				bad.add(container.name());
			}
		}
		if (!bad.isEmpty()) {
			badSetters.add(Texts.containers(bad));
		}
		if (badSetters.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("runAsUser=0", String.join(" and ", badSetters) + " must not set runAsUser=0");
	}

}
