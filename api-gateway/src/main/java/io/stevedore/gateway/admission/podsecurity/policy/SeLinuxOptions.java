package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SELinuxOptions;

/**
 * Baseline: the SELinux type may only be one of the container types, and user and role
 * may not be set, on the pod or any container. v1.31 added {@code container_engine_t}.
 */
final class SeLinuxOptions {

	static final Set<String> ALLOWED_TYPES_1_0 = Set.of("", "container_t", "container_init_t", "container_kvm_t");

	static final Set<String> ALLOWED_TYPES_1_31 = Set.of("", "container_t", "container_init_t", "container_kvm_t",
			"container_engine_t");

	private SeLinuxOptions() {
	}

	static Check check() {
		return Check.baseline("seLinuxOptions",
				Check.Revision.since(0, (metadata, spec) -> seLinuxOptions(spec, ALLOWED_TYPES_1_0)),
				Check.Revision.since(31, (metadata, spec) -> seLinuxOptions(spec, ALLOWED_TYPES_1_31)));
	}

	static CheckResult seLinuxOptions(PodSpec spec, Set<String> allowedTypes) {
		Findings findings = new Findings(allowedTypes);
		List<String> badSetters = new ArrayList<>();
		if (spec.getSecurityContext() != null && spec.getSecurityContext().getSeLinuxOptions() != null
				&& !findings.valid(spec.getSecurityContext().getSeLinuxOptions())) {
			badSetters.add("pod");
		}
		List<String> bad = new ArrayList<>();
		for (PodContainers container : PodContainers.of(spec)) {
			if (container.securityContext() != null && container.securityContext().getSeLinuxOptions() != null
					&& !findings.valid(container.securityContext().getSeLinuxOptions())) {
				bad.add(container.name());
			}
		}
		if (!bad.isEmpty()) {
			badSetters.add(Texts.containers(bad));
		}
		if (badSetters.isEmpty()) {
			return CheckResult.ok();
		}
		List<String> badData = new ArrayList<>();
		if (!findings.badTypes.isEmpty()) {
			badData.add(Texts.pluralize("type", "types", findings.badTypes.size()) + " "
					+ Texts.joinQuote(findings.badTypes));
		}
		if (findings.setUser) {
			badData.add("user may not be set");
		}
		if (findings.setRole) {
			badData.add("role may not be set");
		}
		return CheckResult.forbidden("seLinuxOptions", String.join(" and ", badSetters)
				+ " set forbidden securityContext.seLinuxOptions: " + String.join("; ", badData));
	}

	/** What the pod and its containers set wrong, across all of them. */
	private static final class Findings {

		private final Set<String> allowedTypes;

		private final TreeSet<String> badTypes = new TreeSet<>();

		private boolean setUser;

		private boolean setRole;

		Findings(Set<String> allowedTypes) {
			this.allowedTypes = allowedTypes;
		}

		boolean valid(SELinuxOptions options) {
			boolean valid = true;
			String type = options.getType() == null ? "" : options.getType();
			if (!this.allowedTypes.contains(type)) {
				valid = false;
				this.badTypes.add(type);
			}
			if (options.getUser() != null && !options.getUser().isEmpty()) {
				valid = false;
				this.setUser = true;
			}
			if (options.getRole() != null && !options.getRole().isEmpty()) {
				valid = false;
				this.setRole = true;
			}
			return valid;
		}

	}

}
