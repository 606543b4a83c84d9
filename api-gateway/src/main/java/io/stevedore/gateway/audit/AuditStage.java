package io.stevedore.gateway.audit;

/** The stages an audit event is written at, Kubernetes' names. */
public enum AuditStage {

	/** The request arrived. */
	RequestReceived,

	/** The response headers were sent; only for long-running requests (watch, exec…). */
	ResponseStarted,

	/** The response was sent completely. */
	ResponseComplete,

	/** The request failed with an unexpected error. */
	Panic;

	static AuditStage parse(String value, String field) {
		for (AuditStage stage : values()) {
			if (stage.name().equals(value)) {
				return stage;
			}
		}
		throw new IllegalArgumentException(field + ": Unsupported value: \"" + value
				+ "\": supported values: \"RequestReceived\", \"ResponseStarted\", \"ResponseComplete\", \"Panic\"");
	}

}
