package io.stevedore.gateway.audit;

/**
 * How much of a request the audit log keeps, Kubernetes' policy levels. Request and
 * RequestResponse (bodies) are not supported yet: the gateway refuses them at start
 * rather than silently logging less.
 */
public enum AuditLevel {

	/** Not logged. */
	None,

	/** User, verb, object reference, status and timestamps; no bodies. */
	Metadata;

	public static AuditLevel parse(String value) {
		for (AuditLevel level : values()) {
			if (level.name().equals(value)) {
				return level;
			}
		}
		throw new IllegalArgumentException("stevedore.gateway.audit.level: \"" + value
				+ "\" is not supported; use None or Metadata (Request and RequestResponse are not implemented)");
	}

}
