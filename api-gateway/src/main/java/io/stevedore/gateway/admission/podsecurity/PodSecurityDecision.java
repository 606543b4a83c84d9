package io.stevedore.gateway.admission.podsecurity;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Status;

/**
 * The outcome of one admission request: a refusal or not, the warnings the client sees,
 * and the annotations Kubernetes adds to the request's audit event
 * ({@code pod-security.kubernetes.io/enforce-policy}, {@code .../audit-violations},
 * {@code .../exempt}, {@code .../error}).
 *
 * @param denial the Status the client receives; null when allowed
 */
public record PodSecurityDecision(Status denial, List<String> warnings, Map<String, String> auditAnnotations) {

	static final PodSecurityDecision ALLOWED = new PodSecurityDecision(null, List.of(), Map.of());

	public PodSecurityDecision {
		warnings = List.copyOf(warnings);
		auditAnnotations = Map.copyOf(auditAnnotations);
	}

	public boolean allowed() {
		return this.denial == null;
	}

	static PodSecurityDecision exempt(String reason) {
		return new PodSecurityDecision(null, List.of(),
				Map.of(PodSecurityAdmission.ANNOTATION_PREFIX + "exempt", reason));
	}

}
