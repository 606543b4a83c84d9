package io.stevedore.gateway.admission.podsecurity;

import java.util.List;

import io.stevedore.gateway.admission.podsecurity.policy.Level;
import io.stevedore.gateway.admission.podsecurity.policy.LevelVersion;
import io.stevedore.gateway.admission.podsecurity.policy.PolicyVersion;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the PodSecurity admission plugin
 * ({@code stevedore.gateway.pod-security.*}), the counterpart of Kubernetes'
 * {@code PodSecurityConfiguration}: the policy of a namespace without labels, and who and
 * what is exempt.
 *
 * @param defaults the policy of every mode a namespace's labels leave unset
 * @param exemptions requests never checked
 */
@ConfigurationProperties("stevedore.gateway.pod-security")
public record PodSecurityProperties(@DefaultValue Defaults defaults, @DefaultValue Exemptions exemptions) {

	/**
	 * Levels are privileged, baseline or restricted; versions latest or v1.N. A bad value
	 * stops the gateway at start, naming the setting.
	 */
	public record Defaults(@DefaultValue("privileged") String enforce, @DefaultValue("latest") String enforceVersion,
			@DefaultValue("privileged") String audit, @DefaultValue("latest") String auditVersion,
			@DefaultValue("privileged") String warn, @DefaultValue("latest") String warnVersion) {

		public Defaults {
			policyOf(enforce, enforceVersion, "enforce");
			policyOf(audit, auditVersion, "audit");
			policyOf(warn, warnVersion, "warn");
		}

		public NamespacePolicy policy() {
			return new NamespacePolicy(policyOf(this.enforce, this.enforceVersion, "enforce"),
					policyOf(this.audit, this.auditVersion, "audit"), policyOf(this.warn, this.warnVersion, "warn"));
		}

		private static LevelVersion policyOf(String level, String version, String mode) {
			Level parsedLevel = Level.parse(level)
				.orElseThrow(() -> new IllegalArgumentException("stevedore.gateway.pod-security.defaults." + mode
						+ ": \"" + level + "\" must be one of " + Level.VALID_LEVELS));
			PolicyVersion parsedVersion = PolicyVersion.parse(version)
				.orElseThrow(() -> new IllegalArgumentException("stevedore.gateway.pod-security.defaults." + mode
						+ "-version: \"" + version + "\" must be \"latest\" or \"v1.x\""));
			return new LevelVersion(parsedLevel, parsedVersion);
		}

	}

	/**
	 * @param usernames authenticated users whose pods are never checked (e.g. a
	 * controller's identity)
	 * @param runtimeClasses pods and templates with one of these runtimeClassName are
	 * never checked
	 * @param namespaces namespaces whose pods are never checked
	 */
	public record Exemptions(List<String> usernames, List<String> runtimeClasses, List<String> namespaces) {

		public Exemptions {
			usernames = usernames == null ? List.of() : List.copyOf(usernames);
			runtimeClasses = runtimeClasses == null ? List.of() : List.copyOf(runtimeClasses);
			namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
		}

		boolean user(String name) {
			return name != null && !name.isEmpty() && this.usernames.contains(name);
		}

		boolean runtimeClass(String name) {
			return name != null && !name.isEmpty() && this.runtimeClasses.contains(name);
		}

		boolean namespace(String name) {
			return name != null && !name.isEmpty() && this.namespaces.contains(name);
		}

	}

}
