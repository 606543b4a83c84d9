package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Sysctl;

/**
 * Baseline: only the namespaced, isolated "safe" sysctls. The safe set grew in v1.27,
 * v1.29 and v1.32.
 */
final class Sysctls {

	static final Set<String> ALLOWED_1_0 = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
			"net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start");

	static final Set<String> ALLOWED_1_27 = union(ALLOWED_1_0, "net.ipv4.ip_local_reserved_ports");

	static final Set<String> ALLOWED_1_29 = union(ALLOWED_1_27, "net.ipv4.tcp_keepalive_time",
			"net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");

	static final Set<String> ALLOWED_1_32 = union(ALLOWED_1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem");

	private Sysctls() {
	}

	static Check check() {
		return Check.baseline("sysctls", Check.Revision.since(0, (metadata, spec) -> sysctls(spec, ALLOWED_1_0)),
				Check.Revision.since(27, (metadata, spec) -> sysctls(spec, ALLOWED_1_27)),
				Check.Revision.since(29, (metadata, spec) -> sysctls(spec, ALLOWED_1_29)),
				Check.Revision.since(32, (metadata, spec) -> sysctls(spec, ALLOWED_1_32)));
	}

	static CheckResult sysctls(PodSpec spec, Set<String> allowed) {
		List<String> forbidden = new ArrayList<>();
		if (spec.getSecurityContext() != null) {
			for (Sysctl sysctl : PodContainers.nonNull(spec.getSecurityContext().getSysctls())) {
				String name = sysctl.getName() == null ? "" : sysctl.getName();
				if (!allowed.contains(name)) {
					forbidden.add(name);
				}
			}
		}
		if (forbidden.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("forbidden sysctls", String.join(", ", forbidden));
	}

	private static Set<String> union(Set<String> base, String... more) {
		return Stream.concat(base.stream(), Stream.of(more)).collect(Collectors.toUnmodifiableSet());
	}

}
