package io.stevedore.gateway.admission.podsecurity;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Status;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.podsecurity.policy.AggregateResult;
import io.stevedore.gateway.admission.podsecurity.policy.Evaluator;
import io.stevedore.gateway.admission.podsecurity.policy.Level;
import io.stevedore.gateway.admission.podsecurity.policy.LevelVersion;
import io.stevedore.gateway.status.StatusResponses;

/**
 * Kubernetes' PodSecurity admission, without Spring or HTTP: decides one create or update
 * of a pod, a workload with a pod template, or a namespace.
 *
 * <ul>
 * <li>Pods are checked against the namespace's enforce level (refused with 403), audit
 * level (an audit annotation) and warn level (a warning). An update is checked only when
 * it changes what the checks read (see {@link PodUpdates}).</li>
 * <li>Workloads (Deployments, Jobs, ...) are checked against audit and warn only, never
 * enforced: their pods are, when the controller creates them.</li>
 * <li>Namespaces with an invalid {@code pod-security.kubernetes.io/*} label are refused
 * (422); tightening a namespace's enforce level warns about the existing pods that would
 * now be refused ({@link NamespaceLabels}).</li>
 * </ul>
 * Thread-safe: no per-request state in fields.
 */
public final class PodSecurityAdmission {

	public static final String ANNOTATION_PREFIX = "pod-security.kubernetes.io/";

	/** Writes through these never change a pod's spec; anything else is checked. */
	private static final Set<String> IGNORED_POD_SUBRESOURCES = Set.of("exec", "attach", "binding", "eviction", "log",
			"portforward", "proxy", "status");

	private final Evaluator evaluator;

	private final NamespacePolicy defaults;

	private final PodSecurityProperties.Exemptions exemptions;

	private final ClusterReader cluster;

	private final NamespaceLabels namespaces;

	private final PodSecurityMetrics metrics;

	public PodSecurityAdmission(Evaluator evaluator, PodSecurityProperties properties, ClusterReader cluster,
			Clock clock, PodSecurityMetrics metrics) {
		this.evaluator = evaluator;
		this.metrics = metrics;
		this.defaults = properties.defaults().policy();
		this.exemptions = properties.exemptions();
		this.cluster = cluster;
		this.namespaces = new NamespaceLabels(evaluator, this.defaults, this.exemptions, cluster, clock);
	}

	/** The resources looked at, as {@code group/resource[/subresource]}. */
	public static Set<String> resources() {
		Set<String> resources = new LinkedHashSet<>(
				List.of("/namespaces", "/pods", "/pods/ephemeralcontainers", "/pods/resize"));
		resources.addAll(PodTemplates.WORKLOADS.keySet());
		return resources;
	}

	public PodSecurityDecision validate(AdmissionAttributes attributes) {
		String operation = attributes.operation();
		if (!AdmissionAttributes.CREATE.equals(operation) && !AdmissionAttributes.UPDATE.equals(operation)) {
			return PodSecurityDecision.ALLOWED;
		}
		String resource = attributes.group() + "/" + attributes.resource();
		if ("/namespaces".equals(resource)) {
			return this.namespaces.validate(attributes);
		}
		if ("/pods".equals(resource)) {
			return validatePod(attributes);
		}
		if (PodTemplates.WORKLOADS.containsKey(resource)) {
			return validateWorkload(attributes);
		}
		return PodSecurityDecision.ALLOWED;
	}

	private PodSecurityDecision validatePod(AdmissionAttributes attributes) {
		if (IGNORED_POD_SUBRESOURCES.contains(attributes.subresource())) {
			return PodSecurityDecision.ALLOWED;
		}
		Lookup lookup = lookup(attributes);
		if (lookup.exempt() != null) {
			this.metrics.exemption(attributes);
			return lookup.exempt();
		}
		if (lookup.failure() != null) {
			this.metrics.error(true, attributes);
			String message = "failed to lookup namespace \"" + attributes.namespace() + "\"";
			return new PodSecurityDecision(AdmissionDenied.internalError(message).status(), List.of(), Map
				.of(ANNOTATION_PREFIX + "error", "Internal error occurred: " + message + ": " + lookup.failure()));
		}
		NamespacePolicy.Parsed policy = lookup.policy();
		if (policy.errors().isEmpty() && policy.policy().fullyPrivileged()) {
			this.metrics.evaluation(false, policy.policy().enforce(), "enforce", attributes);
			return PodSecurityDecision.ALLOWED;
		}
		if (!(attributes.object() instanceof Pod pod)) {
			this.metrics.error(true, attributes);
			return badRequest("failed to decode pod");
		}
		if (AdmissionAttributes.UPDATE.equals(attributes.operation())) {
			if (!(attributes.oldObject() instanceof Pod oldPod)) {
				this.metrics.error(true, attributes);
				return badRequest("failed to decode old pod");
			}
			if (!PodUpdates.significant(pod, oldPod)) {
				return PodSecurityDecision.ALLOWED;
			}
		}
		return evaluate(policy, pod.getMetadata(), pod.getSpec(), attributes, true);
	}

	private PodSecurityDecision validateWorkload(AdmissionAttributes attributes) {
		if (!attributes.subresource().isEmpty()) {
			return PodSecurityDecision.ALLOWED;
		}
		Lookup lookup = lookup(attributes);
		if (lookup.exempt() != null) {
			this.metrics.exemption(attributes);
			return lookup.exempt();
		}
		// Only warn and audit apply, so a failure here admits (with the error audited).
		if (lookup.failure() != null) {
			this.metrics.error(true, attributes);
			return erroneous("failed to lookup namespace \"" + attributes.namespace() + "\": " + lookup.failure());
		}
		NamespacePolicy.Parsed policy = lookup.policy();
		if (policy.errors().isEmpty() && policy.policy().warn().level() == Level.PRIVILEGED
				&& policy.policy().audit().level() == Level.PRIVILEGED) {
			return PodSecurityDecision.ALLOWED;
		}
		if (attributes.object() == null) {
			this.metrics.error(true, attributes);
			return erroneous("failed to decode object: no object");
		}
		Optional<PodTemplates.PodParts> pod;
		try {
			pod = PodTemplates.extract(attributes.object());
		}
		catch (IllegalArgumentException ex) {
			this.metrics.error(true, attributes);
			return erroneous("failed to extract pod template: " + ex.getMessage());
		}
		if (pod.isEmpty()) {
			return PodSecurityDecision.ALLOWED;
		}
		return evaluate(policy, pod.get().metadata(), pod.get().spec(), attributes, false);
	}

	/**
	 * The request's exemption (namespace, then user), else its namespace's policy, else
	 * why that could not be read: exactly one is set.
	 */
	private record Lookup(PodSecurityDecision exempt, NamespacePolicy.Parsed policy, String failure) {
	}

	private Lookup lookup(AdmissionAttributes attributes) {
		if (this.exemptions.namespace(attributes.namespace())) {
			return new Lookup(PodSecurityDecision.exempt("namespace"), null, null);
		}
		if (attributes.user() != null && this.exemptions.user(attributes.user().name())) {
			return new Lookup(PodSecurityDecision.exempt("user"), null, null);
		}
		try {
			return new Lookup(null, policyOf(attributes.namespace()), null);
		}
		catch (RuntimeException ex) {
			return new Lookup(null, null, String.valueOf(ex.getMessage()));
		}
	}

	private NamespacePolicy.Parsed policyOf(String namespace) {
		Namespace found = this.cluster.namespace(namespace)
			.orElseThrow(() -> new IllegalStateException("namespaces \"" + namespace + "\" not found"));
		return NamespacePolicy.fromLabels(found.getMetadata() == null ? Map.of() : found.getMetadata().getLabels(),
				this.defaults);
	}

	/**
	 * Evaluates the enforce level (when {@code enforce}), then audit, then warn, each
	 * level:version once. No warning accompanies a refusal.
	 */
	private PodSecurityDecision evaluate(NamespacePolicy.Parsed parsed, ObjectMeta metadata, PodSpec spec,
			AdmissionAttributes attributes, boolean enforce) {
		if (spec != null && this.exemptions.runtimeClass(spec.getRuntimeClassName())) {
			this.metrics.exemption(attributes);
			return PodSecurityDecision.exempt("runtimeClass");
		}
		NamespacePolicy policy = parsed.policy();
		Map<String, String> annotations = new LinkedHashMap<>();
		if (!parsed.errors().isEmpty()) {
			annotations.put(ANNOTATION_PREFIX + "error", "Failed to parse policy: " + parsed.errorText());
			this.metrics.error(false, attributes);
		}
		Map<LevelVersion, AggregateResult> results = new HashMap<>();
		Status denial = null;
		if (enforce) {
			annotations.put(ANNOTATION_PREFIX + "enforce-policy", policy.enforce().toString());
			AggregateResult result = results.computeIfAbsent(policy.enforce(),
					(levelVersion) -> this.evaluator.evaluate(levelVersion, metadata, spec));
			this.metrics.evaluation(!result.allowed(), policy.enforce(), "enforce", attributes);
			if (!result.allowed()) {
				denial = AdmissionDenied
					.forbidden(attributes,
							"violates PodSecurity \"" + policy.enforce() + "\": " + result.forbiddenDetail())
					.status();
			}
		}
		AggregateResult audit = results.computeIfAbsent(policy.audit(),
				(levelVersion) -> this.evaluator.evaluate(levelVersion, metadata, spec));
		if (!audit.allowed()) {
			this.metrics.evaluation(true, policy.audit(), "audit", attributes);
			annotations.put(ANNOTATION_PREFIX + "audit-violations",
					"would violate PodSecurity \"" + policy.audit() + "\": " + audit.forbiddenDetail());
		}
		List<String> warnings = new ArrayList<>();
		if (denial == null) {
			AggregateResult warn = results.computeIfAbsent(policy.warn(),
					(levelVersion) -> this.evaluator.evaluate(levelVersion, metadata, spec));
			if (!warn.allowed()) {
				this.metrics.evaluation(true, policy.warn(), "warn", attributes);
				warnings.add("would violate PodSecurity \"" + policy.warn() + "\": " + warn.forbiddenDetail());
			}
		}
		return new PodSecurityDecision(denial, warnings, annotations);
	}

	private static PodSecurityDecision erroneous(String error) {
		return new PodSecurityDecision(null, List.of(), Map.of(ANNOTATION_PREFIX + "error", error));
	}

	static PodSecurityDecision badRequest(String message) {
		return new PodSecurityDecision(StatusResponses.failure(400, "BadRequest", message, null), List.of(),
				Map.of(ANNOTATION_PREFIX + "error", message));
	}

}
