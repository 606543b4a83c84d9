package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Baseline: {@code securityContext.procMount} unset or {@code Default}. (The relaxation
 * for user-namespaced pods sits behind a feature gate that is off in v1.32.)
 */
final class ProcMount {

	private ProcMount() {
	}

	static Check check() {
		return Check.baseline("procMount", Check.Revision.since(0, ProcMount::procMount1Dot0));
	}

	static CheckResult procMount1Dot0(ObjectMeta metadata, PodSpec spec) {
		List<String> bad = new ArrayList<>();
		TreeSet<String> types = new TreeSet<>();
		for (PodContainers container : PodContainers.of(spec)) {
			if (container.securityContext() == null || container.securityContext().getProcMount() == null) {
				continue;
			}
			String type = container.securityContext().getProcMount();
			if (!"Default".equals(type)) {
				bad.add(container.name());
				types.add(type);
			}
		}
		if (bad.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("procMount",
				Texts.containers(bad) + " must not set securityContext.procMount to " + Texts.joinQuote(types));
	}

}
