package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;

/**
 * Baseline: no hostPath volumes. Superseded by {@link RestrictedVolumes} at restricted.
 */
final class HostPathVolumes {

	private HostPathVolumes() {
	}

	static Check check() {
		return Check.baseline("hostPathVolumes", Check.Revision.since(0, HostPathVolumes::hostPathVolumes1Dot0));
	}

	static CheckResult hostPathVolumes1Dot0(ObjectMeta metadata, PodSpec spec) {
		List<String> hostVolumes = new ArrayList<>();
		for (Volume volume : PodContainers.nonNull(spec.getVolumes())) {
			if (volume.getHostPath() != null) {
				hostVolumes.add(volume.getName() == null ? "" : volume.getName());
			}
		}
		if (hostVolumes.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("hostPath volumes",
				Texts.pluralize("volume", "volumes", hostVolumes.size()) + " " + Texts.joinQuote(hostVolumes));
	}

}
