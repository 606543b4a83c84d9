package io.stevedore.gateway.admission.podsecurity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.podsecurity.policy.AggregateResult;
import io.stevedore.gateway.admission.podsecurity.policy.Evaluator;
import io.stevedore.gateway.admission.podsecurity.policy.Level;
import io.stevedore.gateway.admission.podsecurity.policy.LevelVersion;
import io.stevedore.gateway.status.StatusResponses;

/**
 * PodSecurity's part in namespace writes, as Kubernetes' {@code ValidateNamespace}: a bad
 * {@code pod-security.kubernetes.io/*} label value is refused (422, on create, and on
 * update unless the same bad value was already there); tightening the enforce level
 * admits the change but warns which existing pods it would now refuse. At most
 * {@value #MAX_PODS} pods are checked, for at most one second, one pod per controller
 * first.
 */
final class NamespaceLabels {

	static final int MAX_PODS = 3000;

	static final Duration TIMEOUT = Duration.ofSeconds(1);

	private final Evaluator evaluator;

	private final NamespacePolicy defaults;

	private final PodSecurityProperties.Exemptions exemptions;

	private final ClusterReader cluster;

	private final Clock clock;

	NamespaceLabels(Evaluator evaluator, NamespacePolicy defaults, PodSecurityProperties.Exemptions exemptions,
			ClusterReader cluster, Clock clock) {
		this.evaluator = evaluator;
		this.defaults = defaults;
		this.exemptions = exemptions;
		this.cluster = cluster;
		this.clock = clock;
	}

	PodSecurityDecision validate(AdmissionAttributes attributes) {
		if (!attributes.subresource().isEmpty()) {
			return PodSecurityDecision.ALLOWED;
		}
		if (!(attributes.object() instanceof Namespace namespace)) {
			return PodSecurityAdmission.badRequest("failed to decode namespace");
		}
		String name = namespace.getMetadata() == null ? attributes.name() : namespace.getMetadata().getName();
		Map<String, String> labels = labels(namespace);
		NamespacePolicy.Parsed next = NamespacePolicy.fromLabels(labels, this.defaults);
		if (AdmissionAttributes.CREATE.equals(attributes.operation())) {
			if (!next.errors().isEmpty()) {
				return invalid(name, next);
			}
			return this.exemptions.namespace(name) ? exemptWarning(name, next.policy(), labels)
					: PodSecurityDecision.ALLOWED;
		}
		if (!(attributes.oldObject() instanceof Namespace old)) {
			return PodSecurityAdmission.badRequest("failed to decode old namespace");
		}
		NamespacePolicy.Parsed previous = NamespacePolicy.fromLabels(labels(old), this.defaults);
		if (!next.errors().isEmpty() && (previous.errors().isEmpty() || !next.errors().equals(previous.errors()))) {
			return invalid(name, next);
		}
		LevelVersion enforce = next.policy().enforce();
		LevelVersion before = previous.policy().enforce();
		if (enforce.equals(before) || enforce.level() == Level.PRIVILEGED
				|| (enforce.version().equals(before.version()) && !enforce.level().stricterThan(before.level()))) {
			return PodSecurityDecision.ALLOWED;
		}
		if (this.exemptions.namespace(name)) {
			return exemptWarning(name, next.policy(), labels);
		}
		return new PodSecurityDecision(null, podWarnings(name, enforce), Map.of());
	}

	private static Map<String, String> labels(Namespace namespace) {
		return namespace.getMetadata() == null || namespace.getMetadata().getLabels() == null ? Map.of()
				: namespace.getMetadata().getLabels();
	}

	/** 422 as Kubernetes' {@code apierrors.NewInvalid} for the Namespace kind. */
	private static PodSecurityDecision invalid(String name, NamespacePolicy.Parsed parsed) {
		StatusDetailsBuilder details = new StatusDetailsBuilder().withKind("Namespace").withName(name);
		parsed.errors()
			.forEach((error) -> details.addToCauses(new StatusCauseBuilder().withReason("FieldValueInvalid")
				.withMessage(error.causeMessage())
				.withField(error.field())
				.build()));
		return new PodSecurityDecision(StatusResponses.failure(422, "Invalid",
				"Namespace \"" + name + "\" is invalid: " + parsed.errorText(), details.build()), List.of(), Map.of());
	}

	/** Says that an exempt namespace's labels ask for checks that will not happen. */
	private PodSecurityDecision exemptWarning(String name, NamespacePolicy policy, Map<String, String> labels) {
		if (policy.fullyPrivileged() || policy.equivalent(this.defaults)) {
			return PodSecurityDecision.ALLOWED;
		}
		List<String> modes = new ArrayList<>();
		addMode(modes, "enforce", policy.enforce(), labels);
		addMode(modes, "audit", policy.audit(), labels);
		addMode(modes, "warn", policy.warn(), labels);
		return new PodSecurityDecision(null, List.of("namespace \"" + name
				+ "\" is exempt from Pod Security, and the policy (" + String.join(", ", modes) + ") will be ignored"),
				Map.of());
	}

	private static void addMode(List<String> modes, String mode, LevelVersion levelVersion,
			Map<String, String> labels) {
		String label = NamespacePolicy.LABEL_PREFIX + mode;
		if (levelVersion.level() != Level.PRIVILEGED
				&& (labels.containsKey(label) || labels.containsKey(label + NamespacePolicy.VERSION_SUFFIX))) {
			modes.add(mode + "=" + levelVersion);
		}
	}

	/**
	 * The warnings of Kubernetes' {@code EvaluatePodsInNamespace}: one line per distinct
	 * set of reasons, naming the first pod by name and how many others share it.
	 */
	List<String> podWarnings(String namespace, LevelVersion enforce) {
		Instant deadline = this.clock.instant().plus(TIMEOUT);
		List<Pod> pods;
		try {
			pods = prioritized(this.cluster.pods(namespace));
		}
		catch (RuntimeException ex) {
			return List.of("failed to list pods while checking new PodSecurity enforce level");
		}
		int total = pods.size();
		if (pods.size() > MAX_PODS) {
			pods = pods.subList(0, MAX_PODS);
		}
		int checked = pods.size();
		Map<String, PodCount> counts = new LinkedHashMap<>();
		for (int i = 0; i < pods.size(); i++) {
			Pod pod = pods.get(i);
			AggregateResult result = this.evaluator.evaluate(enforce, pod.getMetadata(), pod.getSpec());
			if (!result.allowed()) {
				counts.merge(result.forbiddenReason(), new PodCount(pod.getMetadata().getName(), 1), PodCount::plus);
			}
			if (this.clock.instant().isAfter(deadline)) {
				checked = i + 1;
				break;
			}
		}
		List<String> warnings = new ArrayList<>();
		if (checked < total) {
			warnings.add("new PodSecurity enforce level only checked against the first " + checked + " of " + total
					+ " existing pods");
		}
		if (!counts.isEmpty()) {
			warnings.add("existing pods in namespace \"" + namespace + "\" violate the new PodSecurity enforce level \""
					+ enforce + "\"");
		}
		List<String> podWarnings = new ArrayList<>();
		counts.forEach((reasons, count) -> podWarnings.add(count.decorate(reasons)));
		podWarnings.sort(null);
		warnings.addAll(podWarnings);
		return warnings;
	}

	/**
	 * Pods not exempt by runtime class, the first of each controller before the other
	 * replicas: with a cap on how many are checked, more distinct templates are seen.
	 */
	private List<Pod> prioritized(List<Pod> pods) {
		List<Pod> first = new ArrayList<>();
		List<Pod> replicas = new ArrayList<>();
		Set<String> controllers = new HashSet<>();
		for (Pod pod : pods) {
			if (pod.getSpec() != null && this.exemptions.runtimeClass(pod.getSpec().getRuntimeClassName())) {
				continue;
			}
			String controller = controllerUid(pod);
			if (controller == null || controllers.add(controller)) {
				first.add(pod);
			}
			else {
				replicas.add(pod);
			}
		}
		first.addAll(replicas);
		return first;
	}

	private static String controllerUid(Pod pod) {
		if (pod.getMetadata() == null || pod.getMetadata().getOwnerReferences() == null) {
			return null;
		}
		for (OwnerReference owner : pod.getMetadata().getOwnerReferences()) {
			if (Boolean.TRUE.equals(owner.getController())) {
				return owner.getUid();
			}
		}
		return null;
	}

	/** The lexically first pod name with a set of reasons, and how many pods have it. */
	private record PodCount(String firstName, int count) {

		PodCount plus(PodCount other) {
			String name = other.firstName.compareTo(this.firstName) < 0 ? other.firstName : this.firstName;
			return new PodCount(name, this.count + other.count);
		}

		String decorate(String reasons) {
			return switch (this.count) {
				case 1 -> this.firstName + ": " + reasons;
				case 2 -> this.firstName + " (and 1 other pod): " + reasons;
				default -> this.firstName + " (and " + (this.count - 1) + " other pods): " + reasons;
			};
		}

	}

}
