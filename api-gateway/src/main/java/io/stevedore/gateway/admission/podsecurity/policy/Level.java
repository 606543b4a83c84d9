package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.Optional;

/**
 * The three Pod Security Standards, from least to most strict. The order of the constants
 * is the order of strictness.
 */
public enum Level {

	PRIVILEGED("privileged"), BASELINE("baseline"), RESTRICTED("restricted");

	/** As Kubernetes lists them in its error message. */
	public static final String VALID_LEVELS = "privileged, baseline, restricted";

	private final String label;

	Level(String label) {
		this.label = label;
	}

	/**
	 * The value of a {@code pod-security.kubernetes.io/<mode>} label; empty if it is
	 * none.
	 */
	public static Optional<Level> parse(String value) {
		for (Level level : values()) {
			if (level.label.equals(value)) {
				return Optional.of(level);
			}
		}
		return Optional.empty();
	}

	/** Whether this level is stricter than {@code other}. */
	public boolean stricterThan(Level other) {
		return compareTo(other) > 0;
	}

	@Override
	public String toString() {
		return this.label;
	}

}
