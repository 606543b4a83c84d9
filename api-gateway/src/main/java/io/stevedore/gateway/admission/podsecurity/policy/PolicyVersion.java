package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version of the Pod Security Standards: {@code latest} or {@code v1.N}. {@code latest}
 * is newer than every numbered version, a future one included.
 *
 * @param minor N of {@code v1.N}; unused for {@code latest}
 * @param latest whether this is {@code latest}
 */
public record PolicyVersion(int minor, boolean latest) {

	public static final PolicyVersion LATEST = new PolicyVersion(0, true);

	/** Kubernetes' pattern: no leading zero, major 1 only. */
	private static final Pattern NUMBERED = Pattern.compile("^v1\\.(0|[1-9][0-9]*)$");

	public static PolicyVersion of(int minor) {
		return new PolicyVersion(minor, false);
	}

	/** A {@code -version} label's value; empty when it is neither latest nor v1.N. */
	public static Optional<PolicyVersion> parse(String value) {
		if ("latest".equals(value)) {
			return Optional.of(LATEST);
		}
		Matcher matcher = NUMBERED.matcher(value == null ? "" : value);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		try {
			return Optional.of(of(Integer.parseInt(matcher.group(1))));
		}
		catch (NumberFormatException ex) {
			// more digits than an int: Kubernetes' Atoi fails the same way
			return Optional.empty();
		}
	}

	/** Whether this version is older than {@code other}. */
	public boolean olderThan(PolicyVersion other) {
		if (this.latest) {
			return false;
		}
		return other.latest || this.minor < other.minor;
	}

	@Override
	public String toString() {
		return this.latest ? "latest" : "v1." + this.minor;
	}

}
