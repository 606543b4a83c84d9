package io.stevedore.gateway.admission.podsecurity;

/**
 * A {@code pod-security.kubernetes.io/*} label whose value is not one Kubernetes accepts,
 * worded as Kubernetes' {@code field.Invalid}.
 *
 * @param label the label's key
 * @param value its value
 * @param detail what is allowed, e.g. {@code must be "latest" or "v1.x"}
 */
public record LabelError(String label, String value, String detail) {

	public String field() {
		return "metadata.labels[" + this.label + "]";
	}

	/** {@code Invalid value: "x": must be ...}: the cause's message in a Status. */
	public String causeMessage() {
		return "Invalid value: \"" + this.value + "\": " + this.detail;
	}

	@Override
	public String toString() {
		return field() + ": " + causeMessage();
	}

}
