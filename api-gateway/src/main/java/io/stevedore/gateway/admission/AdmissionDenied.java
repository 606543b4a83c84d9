package io.stevedore.gateway.admission;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.stevedore.gateway.status.StatusResponses;

/**
 * A plugin's refusal, carrying the Status the client receives unchanged (the apiserver
 * answers with it and stores nothing). An exception rather than a result because, as in
 * Kubernetes' {@code return admission.NewForbidden(a, err)}, the first refusal ends the
 * chain.
 */
public final class AdmissionDenied extends RuntimeException {

	private final transient Status status;

	public AdmissionDenied(Status status) {
		super(status.getMessage(), null, false, false);
		this.status = status;
	}

	public Status status() {
		return this.status;
	}

	/**
	 * 403 worded as Kubernetes' {@code admission.NewForbidden}:
	 * {@code pods "x" is forbidden: <reason>}.
	 */
	public static AdmissionDenied forbidden(AdmissionAttributes attributes, String reason) {
		String name = attributes.displayName();
		String resource = attributes.groupResource();
		String message = name.isEmpty() ? resource + " is forbidden: " + reason
				: resource + " \"" + name + "\" is forbidden: " + reason;
		return new AdmissionDenied(StatusResponses.failure(403, "Forbidden", message,
				new StatusDetailsBuilder().withGroup(attributes.group().isEmpty() ? null : attributes.group())
					.withKind(attributes.resource())
					.withName(name.isEmpty() ? null : name)
					.build()));
	}

	/** 500 InternalError: a plugin could not decide (its data was unreadable). */
	public static AdmissionDenied internalError(String message) {
		return new AdmissionDenied(
				StatusResponses.failure(500, "InternalError", "Internal error occurred: " + message, null));
	}

}
