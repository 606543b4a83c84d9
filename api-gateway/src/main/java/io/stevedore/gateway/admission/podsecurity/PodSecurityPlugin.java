package io.stevedore.gateway.admission.podsecurity;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionOrder;
import io.stevedore.gateway.admission.AdmissionPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;

/**
 * The PodSecurity admission plugin (validating only), in kube-apiserver's place in the
 * chain. Refusals, warnings and audit annotations come from {@link PodSecurityAdmission}.
 *
 * <p>
 * The audit annotations ({@code pod-security.kubernetes.io/audit-violations} ...) are
 * logged as one line per request under this class's logger: the admission call reaches
 * the gateway apart from the user's request, so they cannot join that request's audit
 * event yet.
 */
public final class PodSecurityPlugin implements AdmissionPlugin, Ordered {

	public static final String NAME = "PodSecurity";

	private static final Logger logger = LoggerFactory.getLogger(PodSecurityPlugin.class);

	private final PodSecurityAdmission admission;

	public PodSecurityPlugin(PodSecurityAdmission admission) {
		this.admission = admission;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Set<String> resources() {
		return PodSecurityAdmission.resources();
	}

	@Override
	public int getOrder() {
		return AdmissionOrder.POD_SECURITY;
	}

	@Override
	public void validate(AdmissionAttributes attributes) {
		PodSecurityDecision decision = this.admission.validate(attributes);
		decision.warnings().forEach(attributes::warn);
		if (!decision.auditAnnotations().isEmpty() && logger.isInfoEnabled()) {
			logger.info("PodSecurity audit annotations resource={} namespace={} name={} user={} {}",
					attributes.resourceKey(), attributes.namespace(), attributes.displayName(),
					attributes.user() == null ? "" : attributes.user().name(), format(decision.auditAnnotations()));
		}
		if (!decision.allowed()) {
			throw new AdmissionDenied(decision.denial());
		}
	}

	private static String format(Map<String, String> annotations) {
		return annotations.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.map((entry) -> entry.getKey() + "=\"" + entry.getValue().replace("\"", "\\\"") + "\"")
			.collect(Collectors.joining(" "));
	}

}
