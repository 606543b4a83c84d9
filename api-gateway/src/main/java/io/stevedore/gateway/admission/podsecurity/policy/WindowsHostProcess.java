package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.WindowsSecurityContextOptions;

/** Baseline: no Windows HostProcess pod or container. */
final class WindowsHostProcess {

	private WindowsHostProcess() {
	}

	static Check check() {
		return Check.baseline("windowsHostProcess",
				Check.Revision.since(0, WindowsHostProcess::windowsHostProcess1Dot0));
	}

	private static boolean hostProcess(WindowsSecurityContextOptions options) {
		return options != null && Boolean.TRUE.equals(options.getHostProcess());
	}

	static CheckResult windowsHostProcess1Dot0(ObjectMeta metadata, PodSpec spec) {
		List<String> bad = new ArrayList<>();
		for (PodContainers container : PodContainers.of(spec)) {
			if (container.securityContext() != null && hostProcess(container.securityContext().getWindowsOptions())) {
				bad.add(container.name());
			}
		}
		List<String> setters = new ArrayList<>();
		if (spec.getSecurityContext() != null && hostProcess(spec.getSecurityContext().getWindowsOptions())) {
			setters.add("pod");
		}
		if (!bad.isEmpty()) {
			setters.add(Texts.containers(bad));
		}
		if (setters.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("hostProcess",
				String.join(" and ", setters) + " must not set securityContext.windowsOptions.hostProcess=true");
	}

}
