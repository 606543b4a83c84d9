package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/** Baseline: no privileged container. */
final class Privileged {

	private Privileged() {
	}

	static Check check() {
		return Check.baseline("privileged", Check.Revision.since(0, Privileged::privileged1Dot0));
	}

	static CheckResult privileged1Dot0(ObjectMeta metadata, PodSpec spec) {
		List<String> bad = new ArrayList<>();
		for (PodContainers container : PodContainers.of(spec)) {
			if (container.securityContext() != null
					&& Boolean.TRUE.equals(container.securityContext().getPrivileged())) {
				bad.add(container.name());
			}
		}
		if (bad.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("privileged",
				Texts.containers(bad) + " must not set securityContext.privileged=true");
	}

}
