package io.stevedore.gateway.admission.podsecurity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stevedore.gateway.admission.podsecurity.policy.Level;
import io.stevedore.gateway.admission.podsecurity.policy.LevelVersion;
import io.stevedore.gateway.admission.podsecurity.policy.PolicyVersion;

/**
 * The three modes of a namespace's Pod Security: a pod violating {@code enforce} is
 * refused, one violating {@code audit} is annotated in the audit log, one violating
 * {@code warn} is admitted with a warning.
 */
public record NamespacePolicy(LevelVersion enforce, LevelVersion audit, LevelVersion warn) {

	public static final String LABEL_PREFIX = "pod-security.kubernetes.io/";

	public static final String ENFORCE_LABEL = LABEL_PREFIX + "enforce";

	public static final String AUDIT_LABEL = LABEL_PREFIX + "audit";

	public static final String WARN_LABEL = LABEL_PREFIX + "warn";

	public static final String VERSION_SUFFIX = "-version";

	/** Kubernetes' default when nothing is configured: privileged everywhere. */
	public static final NamespacePolicy PRIVILEGED = new NamespacePolicy(LevelVersion.PRIVILEGED_LATEST,
			LevelVersion.PRIVILEGED_LATEST, LevelVersion.PRIVILEGED_LATEST);

	/** Nothing is checked in any mode. */
	public boolean fullyPrivileged() {
		return this.enforce.level() == Level.PRIVILEGED && this.audit.level() == Level.PRIVILEGED
				&& this.warn.level() == Level.PRIVILEGED;
	}

	/** The same policy, where privileged at any version counts as one. */
	public boolean equivalent(NamespacePolicy other) {
		return equivalent(this.enforce, other.enforce) && equivalent(this.audit, other.audit)
				&& equivalent(this.warn, other.warn);
	}

	private static boolean equivalent(LevelVersion a, LevelVersion b) {
		return a.level() == b.level() && (a.level() == Level.PRIVILEGED || a.version().equals(b.version()));
	}

	/**
	 * The policy a namespace's labels ask for, each mode falling back to {@code defaults}
	 * where no label sets it, and Kubernetes' handling of a bad value: an invalid enforce
	 * level enforces {@code restricted} (fail closed), an invalid audit or warn level is
	 * {@code privileged} (fail open), an invalid version is {@code latest}. The errors
	 * say which labels were bad.
	 */
	public static Parsed fromLabels(Map<String, String> labels, NamespacePolicy defaults) {
		Map<String, String> all = labels == null ? Map.of() : labels;
		List<LabelError> errors = new ArrayList<>();
		LevelVersion enforce = mode(all, ENFORCE_LABEL, defaults.enforce, Level.RESTRICTED, errors);
		LevelVersion audit = mode(all, AUDIT_LABEL, defaults.audit, Level.PRIVILEGED, errors);
		LevelVersion warn = mode(all, WARN_LABEL, defaults.warn, Level.PRIVILEGED, errors);
		return new Parsed(new NamespacePolicy(enforce, audit, warn), errors);
	}

	private static LevelVersion mode(Map<String, String> labels, String label, LevelVersion fallback, Level whenInvalid,
			List<LabelError> errors) {
		Level level = fallback.level();
		if (labels.containsKey(label)) {
			String value = labels.get(label);
			Optional<Level> parsed = Level.parse(value);
			if (parsed.isEmpty()) {
				errors.add(new LabelError(label, value, "must be one of " + Level.VALID_LEVELS));
			}
			level = parsed.orElse(whenInvalid);
		}
		PolicyVersion version = fallback.version();
		String versionLabel = label + VERSION_SUFFIX;
		if (labels.containsKey(versionLabel)) {
			String value = labels.get(versionLabel);
			Optional<PolicyVersion> parsed = PolicyVersion.parse(value);
			if (parsed.isEmpty()) {
				errors.add(new LabelError(versionLabel, value, "must be \"latest\" or \"v1.x\""));
			}
			version = parsed.orElse(PolicyVersion.LATEST);
		}
		return new LevelVersion(level, version);
	}

	/**
	 * A policy with the label errors found on the way; the policy is usable even when
	 * there are errors.
	 */
	public record Parsed(NamespacePolicy policy, List<LabelError> errors) {

		public Parsed {
			errors = List.copyOf(errors);
		}

		/** Kubernetes' aggregate of field errors: one as is, several in brackets. */
		public String errorText() {
			List<String> texts = this.errors.stream().map(LabelError::toString).toList();
			return texts.size() == 1 ? texts.get(0) : "[" + String.join(", ", texts) + "]";
		}

	}

}
