package io.stevedore.gateway.admission.podsecurity.policy;

import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Since v1.25 three restricted checks admit a pod whose {@code spec.os.name} is
 * {@code windows}: pod validation already refuses the Linux-only fields they ask for.
 */
final class WindowsPods {

	private WindowsPods() {
	}

	static boolean isWindows(PodSpec spec) {
		return spec.getOs() != null && "windows".equals(spec.getOs().getName());
	}

	/** The v1.25 revision of a check: the earlier one, except for Windows pods. */
	static PodCheck exceptWindows(PodCheck earlier) {
		return (metadata, spec) -> isWindows(spec) ? CheckResult.ok() : earlier.check(metadata, spec);
	}

}
