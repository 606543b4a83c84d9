package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Restricted: every container drops ALL capabilities and adds none but NET_BIND_SERVICE
 * (v1.22+; Windows pods exempt from v1.25).
 */
final class CapabilitiesRestricted {

	private CapabilitiesRestricted() {
	}

	static Check check() {
		return Check.restrictedOverriding("capabilities_restricted", "capabilities_baseline",
				Check.Revision.since(22, CapabilitiesRestricted::capabilitiesRestricted1Dot22), Check.Revision.since(25,
						WindowsPods.exceptWindows(CapabilitiesRestricted::capabilitiesRestricted1Dot22)));
	}

	static CheckResult capabilitiesRestricted1Dot22(ObjectMeta metadata, PodSpec spec) {
		List<String> missingDropAll = new ArrayList<>();
		List<String> addingForbidden = new ArrayList<>();
		TreeSet<String> forbiddenCapabilities = new TreeSet<>();
		for (PodContainers container : PodContainers.of(spec)) {
			Capabilities capabilities = container.securityContext() == null ? null
					: container.securityContext().getCapabilities();
			if (capabilities == null) {
				missingDropAll.add(container.name());
				continue;
			}
			if (!PodContainers.nonNull(capabilities.getDrop()).contains("ALL")) {
				missingDropAll.add(container.name());
			}
			boolean addedForbidden = false;
			for (String capability : PodContainers.nonNull(capabilities.getAdd())) {
				if (!"NET_BIND_SERVICE".equals(capability)) {
					addedForbidden = true;
					forbiddenCapabilities.add(capability);
				}
			}
			if (addedForbidden) {
				addingForbidden.add(container.name());
			}
		}
		List<String> details = new ArrayList<>();
		if (!missingDropAll.isEmpty()) {
			details.add(Texts.containers(missingDropAll) + " must set securityContext.capabilities.drop=[\"ALL\"]");
		}
		if (!addingForbidden.isEmpty()) {
			details.add(Texts.containers(addingForbidden) + " must not include "
					+ Texts.joinQuote(forbiddenCapabilities) + " in securityContext.capabilities.add");
		}
		if (details.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("unrestricted capabilities", String.join("; ", details));
	}

}
