package io.stevedore.gateway.admission.podsecurity.policy;

/**
 * A level at a version, printed as Kubernetes prints it in its messages:
 * {@code restricted:latest}.
 */
public record LevelVersion(Level level, PolicyVersion version) {

	public static final LevelVersion PRIVILEGED_LATEST = new LevelVersion(Level.PRIVILEGED, PolicyVersion.LATEST);

	@Override
	public String toString() {
		return this.level + ":" + this.version;
	}

}
