package io.stevedore.gateway.audit;

/**
 * How much of a request the audit log keeps, Kubernetes' policy levels, in increasing
 * order.
 */
public enum AuditLevel {

	/** Not logged. */
	None,

	/** User, verb, object reference, status and timestamps; no bodies. */
	Metadata,

	/** Metadata and the request body. */
	Request,

	/** Metadata, the request body and the response body. */
	RequestResponse;

	public boolean atLeast(AuditLevel other) {
		return compareTo(other) >= 0;
	}

	public static AuditLevel parse(String value) {
		for (AuditLevel level : values()) {
			if (level.name().equals(value)) {
				return level;
			}
		}
		throw new IllegalArgumentException(
				"\"" + value + "\" is not an audit level; use None, Metadata, Request or RequestResponse");
	}

}
