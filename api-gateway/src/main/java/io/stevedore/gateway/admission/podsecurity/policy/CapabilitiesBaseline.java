package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Baseline: containers may add only capabilities of the container runtime's default set.
 * Superseded by {@link CapabilitiesRestricted} at restricted from v1.22.
 */
final class CapabilitiesBaseline {

	static final Set<String> ALLOWED = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
			"MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");

	private CapabilitiesBaseline() {
	}

	static Check check() {
		return Check.baseline("capabilities_baseline",
				Check.Revision.since(0, CapabilitiesBaseline::capabilitiesBaseline1Dot0));
	}

	static CheckResult capabilitiesBaseline1Dot0(ObjectMeta metadata, PodSpec spec) {
		List<String> bad = new ArrayList<>();
		TreeSet<String> nonDefault = new TreeSet<>();
		for (PodContainers container : PodContainers.of(spec)) {
			if (container.securityContext() == null || container.securityContext().getCapabilities() == null) {
				continue;
			}
			boolean valid = true;
			for (String capability : PodContainers.nonNull(container.securityContext().getCapabilities().getAdd())) {
				if (!ALLOWED.contains(capability)) {
					valid = false;
					nonDefault.add(capability);
				}
			}
			if (!valid) {
				bad.add(container.name());
			}
		}
		if (bad.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("non-default capabilities", Texts.containers(bad) + " must not include "
				+ Texts.joinQuote(nonDefault) + " in securityContext.capabilities.add");
	}

}
