package io.stevedore.gateway.admission.podsecurity;

import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.podsecurity.policy.LevelVersion;

/**
 * Kubernetes' PodSecurity metrics, with its names and labels as Prometheus exposes them:
 * {@code pod_security_evaluations_total} (decision, policy_level, policy_version, mode,
 * request_operation, resource, subresource), {@code pod_security_exemptions_total} and
 * {@code pod_security_errors_total} (fatal, ...). {@code resource} is {@code pod} or
 * {@code controller}, as in Kubernetes. Thread-safe.
 */
public final class PodSecurityMetrics {

	/** Counts nothing: for tests and for a gateway without a registry. */
	public static final PodSecurityMetrics NONE = new PodSecurityMetrics(null, 0);

	private final MeterRegistry registry;

	private final int newestMinor;

	/**
	 * @param newestMinor the newest policy version known: a newer {@code v1.N} label is
	 * counted as {@code future}, as Kubernetes does, so label values stay bounded
	 */
	public PodSecurityMetrics(MeterRegistry registry, int newestMinor) {
		this.registry = registry;
		this.newestMinor = newestMinor;
	}

	void evaluation(boolean denied, LevelVersion policy, String mode, AdmissionAttributes attributes) {
		if (this.registry == null) {
			return;
		}
		Counter.builder("pod.security.evaluations")
			.description("Number of policy evaluations that occurred, not counting ignored or exempt requests.")
			.tag("decision", denied ? "deny" : "allow")
			.tag("policy_level", policy.level().toString())
			.tag("policy_version", version(policy))
			.tag("mode", mode)
			.tags(request(attributes))
			.register(this.registry)
			.increment();
	}

	void exemption(AdmissionAttributes attributes) {
		if (this.registry == null) {
			return;
		}
		Counter.builder("pod.security.exemptions")
			.description("Number of exempt requests, not counting ignored or out of scope requests.")
			.tags(request(attributes))
			.register(this.registry)
			.increment();
	}

	void error(boolean fatal, AdmissionAttributes attributes) {
		if (this.registry == null) {
			return;
		}
		Counter.builder("pod.security.errors")
			.description("Number of errors preventing normal evaluation. Non-fatal errors may result in the "
					+ "latest restricted profile being used for evaluation.")
			.tag("fatal", String.valueOf(fatal))
			.tags(request(attributes))
			.register(this.registry)
			.increment();
	}

	private String version(LevelVersion policy) {
		if (policy.version().latest()) {
			return "latest";
		}
		return policy.version().minor() > this.newestMinor ? "future" : policy.version().toString();
	}

	private static String[] request(AdmissionAttributes attributes) {
		return new String[] { "request_operation", attributes.operation().toLowerCase(Locale.ROOT), "resource",
				attributes.group().isEmpty() && "pods".equals(attributes.resource()) ? "pod" : "controller",
				"subresource", attributes.subresource() };
	}

}
