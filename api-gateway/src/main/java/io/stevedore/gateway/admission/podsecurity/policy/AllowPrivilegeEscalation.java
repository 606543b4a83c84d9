package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Restricted: every container must set
 * {@code securityContext.allowPrivilegeEscalation=false} (v1.8+; Windows pods exempt from
 * v1.25).
 */
final class AllowPrivilegeEscalation {

	private AllowPrivilegeEscalation() {
	}

	static Check check() {
		return Check.restricted("allowPrivilegeEscalation",
				Check.Revision.since(8, AllowPrivilegeEscalation::allowPrivilegeEscalation1Dot8), Check.Revision
					.since(25, WindowsPods.exceptWindows(AllowPrivilegeEscalation::allowPrivilegeEscalation1Dot8)));
	}

	static CheckResult allowPrivilegeEscalation1Dot8(ObjectMeta metadata, PodSpec spec) {
		List<String> bad = new ArrayList<>();
		for (PodContainers container : PodContainers.of(spec)) {
			if (container.securityContext() == null
					|| !Boolean.FALSE.equals(container.securityContext().getAllowPrivilegeEscalation())) {
				bad.add(container.name());
			}
		}
		if (bad.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("allowPrivilegeEscalation != false",
				Texts.containers(bad) + " must set securityContext.allowPrivilegeEscalation=false");
	}

}
