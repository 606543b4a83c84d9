package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.List;

/**
 * Every check of the Pod Security Standards as of Kubernetes v1.32. The {@link Evaluator}
 * runs them as kube-apiserver does: baseline checks by ID, then restricted checks by ID,
 * which is the order of the reasons in a refusal.
 */
public final class Checks {

	private Checks() {
	}

	public static List<Check> defaultChecks() {
		return List.of(AppArmorProfile.check(), CapabilitiesBaseline.check(), HostNamespaces.check(),
				HostPathVolumes.check(), HostPorts.check(), Privileged.check(), ProcMount.check(),
				SeLinuxOptions.check(), SeccompProfileBaseline.check(), Sysctls.check(), WindowsHostProcess.check(),
				AllowPrivilegeEscalation.check(), CapabilitiesRestricted.check(), RestrictedVolumes.check(),
				RunAsNonRoot.check(), RunAsUser.check(), SeccompProfileRestricted.check());
	}

}
