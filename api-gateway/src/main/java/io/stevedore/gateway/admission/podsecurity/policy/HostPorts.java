package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

/** Baseline: no container port may set a hostPort. */
final class HostPorts {

	private HostPorts() {
	}

	static Check check() {
		return Check.baseline("hostPorts", Check.Revision.since(0, HostPorts::hostPorts1Dot0));
	}

	static CheckResult hostPorts1Dot0(ObjectMeta metadata, PodSpec spec) {
		List<String> bad = new ArrayList<>();
		// Kubernetes collects the ports as strings in a sorted set: "10000" sorts before
		// "80"
		TreeSet<String> ports = new TreeSet<>();
		for (PodContainers container : PodContainers.of(spec)) {
			boolean valid = true;
			for (ContainerPort port : container.ports()) {
				if (port.getHostPort() != null && port.getHostPort() != 0) {
					valid = false;
					ports.add(String.valueOf(port.getHostPort()));
				}
			}
			if (!valid) {
				bad.add(container.name());
			}
		}
		if (bad.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("hostPort",
				Texts.containers(bad) + " " + Texts.pluralize("uses", "use", bad.size()) + " "
						+ Texts.pluralize("hostPort", "hostPorts", ports.size()) + " " + String.join(", ", ports));
	}

}
