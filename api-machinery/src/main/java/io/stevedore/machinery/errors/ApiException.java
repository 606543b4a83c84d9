package io.stevedore.machinery.errors;

import java.util.List;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;

/**
 * A failed API request carrying the Kubernetes {@link Status} the client receives. The
 * factory methods produce the same reason, code and message text as kube-apiserver, so
 * kubectl prints the same lines (see k8s.io/apimachinery/pkg/api/errors).
 */
public class ApiException extends RuntimeException {

	private final transient Status status;

	public ApiException(Status status) {
		super(status.getMessage(), null, false, false);
		this.status = status;
	}

	public Status status() {
		return this.status;
	}

	public int code() {
		return this.status.getCode();
	}

	public String reason() {
		return this.status.getReason();
	}

	/** {@code group} is empty for the core group; {@code resource} is the plural name. */
	public static ApiException notFound(String group, String resource, String name) {
		return of(404, "NotFound", qualified(group, resource) + " \"" + name + "\" not found", group, resource, name);
	}

	public static ApiException alreadyExists(String group, String resource, String name) {
		return of(409, "AlreadyExists", qualified(group, resource) + " \"" + name + "\" already exists", group,
				resource, name);
	}

	public static ApiException conflict(String group, String resource, String name, String why) {
		return of(409, "Conflict",
				"Operation cannot be fulfilled on " + qualified(group, resource) + " \"" + name + "\": " + why, group,
				resource, name);
	}

	/** A write of an object with a stale resourceVersion. */
	public static ApiException staleResourceVersion(String group, String resource, String name) {
		return conflict(group, resource, name,
				"the object has been modified; please apply your changes to the latest version and try again");
	}

	/**
	 * An object that fails validation, e.g. {@code Deployment.apps "web" is invalid:
	 * spec.replicas: Invalid value: -1: must be greater than or equal to 0}.
	 */
	public static ApiException invalid(String group, String kind, String name, List<FieldError> errors) {
		String qualifiedKind = group.isEmpty() ? kind : kind + "." + group;
		String text = errors.size() == 1 ? errors.get(0).message()
				: "[" + String.join(", ", errors.stream().map(FieldError::message).toList()) + "]";
		List<StatusCause> causes = errors.stream()
			.map(e -> new StatusCause(e.field(), e.causeMessage(), e.type().reason))
			.toList();
		Status status = new StatusBuilder().withStatus("Failure")
			.withMessage(qualifiedKind + " \"" + name + "\" is invalid: " + text)
			.withReason("Invalid")
			.withCode(422)
			.withDetails(new StatusDetailsBuilder().withName(name)
				.withGroup(group)
				.withKind(kind)
				.withCauses(causes)
				.build())
			.build();
		return new ApiException(status);
	}

	public static ApiException badRequest(String message) {
		return of(400, "BadRequest", message);
	}

	public static ApiException methodNotSupported(String group, String resource, String verb) {
		return of(405, "MethodNotAllowed",
				verb + " is not supported on resources of kind \"" + qualified(group, resource) + "\"", group, resource,
				null);
	}

	public static ApiException notAcceptable(String message) {
		return of(406, "NotAcceptable", message);
	}

	public static ApiException unsupportedMediaType(String contentType) {
		return of(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media "
				+ "types include: application/json, application/yaml, application/apply-patch+yaml, "
				+ "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"
				+ " (got " + contentType + ")");
	}

	public static ApiException requestEntityTooLarge(long limit) {
		return of(413, "RequestEntityTooLarge", "Request entity too large: limit is " + limit);
	}

	/** A continue token or resourceVersion older than the history kept. */
	public static ApiException expired(String message) {
		return of(410, "Expired", message);
	}

	/** A watch from a compacted revision: the client must re-list. */
	public static ApiException gone(String message) {
		return of(410, "Gone", message);
	}

	public static ApiException serviceUnavailable(String message) {
		return of(503, "ServiceUnavailable", message);
	}

	public static ApiException timeout(String message) {
		return of(504, "Timeout", message);
	}

	public static ApiException forbidden(String group, String resource, String name, String why) {
		return of(403, "Forbidden",
				qualified(group, resource) + (name == null ? "" : " \"" + name + "\"") + " is forbidden: " + why, group,
				resource, name);
	}

	public static ApiException internal(String message) {
		return of(500, "InternalError", "Internal error occurred: " + message);
	}

	public static ApiException of(int code, String reason, String message) {
		return new ApiException(new StatusBuilder().withStatus("Failure")
			.withMessage(message)
			.withReason(reason)
			.withCode(code)
			.build());
	}

	private static ApiException of(int code, String reason, String message, String group, String resource,
			String name) {
		return new ApiException(new StatusBuilder().withStatus("Failure")
			.withMessage(message)
			.withReason(reason)
			.withCode(code)
			.withDetails(new StatusDetailsBuilder().withName(name).withGroup(group).withKind(resource).build())
			.build());
	}

	private static String qualified(String group, String resource) {
		return (group == null || group.isEmpty()) ? resource : resource + "." + group;
	}

}
