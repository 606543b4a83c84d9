package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/** Baseline: no hostNetwork, hostPID or hostIPC. */
final class HostNamespaces {

	private HostNamespaces() {
	}

	static Check check() {
		return Check.baseline("hostNamespaces", Check.Revision.since(0, HostNamespaces::hostNamespaces1Dot0));
	}

	static CheckResult hostNamespaces1Dot0(ObjectMeta metadata, PodSpec spec) {
		TreeSet<String> shared = new TreeSet<>();
		if (Boolean.TRUE.equals(spec.getHostNetwork())) {
			shared.add("hostNetwork");
		}
		if (Boolean.TRUE.equals(spec.getHostPID())) {
			shared.add("hostPID");
		}
		if (Boolean.TRUE.equals(spec.getHostIPC())) {
			shared.add("hostIPC");
		}
		if (shared.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("host namespaces", String.join(", ", shared));
	}

}
