package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.List;

/**
 * Every check of the Pod Security Standards as of Kubernetes v1.32, in the order
 * kube-apiserver runs them (the lexical order of its check_*.go files, which is the order
 * the reasons appear in a refusal). Baseline checks run for baseline and restricted,
 * overlapping baseline checks for baseline only, restricted checks for restricted only.
 */
public final class Checks {

	private Checks() {
	}

	public static List<Check> defaultChecks() {
		return List.of(AllowPrivilegeEscalation.check(), AppArmorProfile.check(), CapabilitiesBaseline.check(),
				CapabilitiesRestricted.check(), HostNamespaces.check(), HostPathVolumes.check(), HostPorts.check(),
				Privileged.check(), ProcMount.check(), RestrictedVolumes.check(), RunAsNonRoot.check(),
				RunAsUser.check(), SeLinuxOptions.check(), SeccompProfileBaseline.check(),
				SeccompProfileRestricted.check(), Sysctls.check(), WindowsHostProcess.check());
	}

}
