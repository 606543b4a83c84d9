package io.stevedore.gateway.authz;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.status.StatusResponses;

/**
 * The 403 Status kube-apiserver writes when authorization denies, word for word:
 * {@code pods is forbidden: User "jane" cannot list resource "pods" in API group "" in
 * the namespace "default"}.
 */
public final class ForbiddenMessages {

	private ForbiddenMessages() {
	}

	public static String reason(UserInfo user, RequestInfo request) {
		if (!request.resourceRequest()) {
			return "User \"%s\" cannot %s path \"%s\"".formatted(user.name(), request.verb(), request.path());
		}
		String resource = request.subresource().isEmpty() ? request.resource()
				: request.resource() + "/" + request.subresource();
		String scope = request.namespace().isEmpty() ? "at the cluster scope"
				: "in the namespace \"" + request.namespace() + "\"";
		return "User \"%s\" cannot %s resource \"%s\" in API group \"%s\" %s".formatted(user.name(), request.verb(),
				resource, request.apiGroup(), scope);
	}

	public static Status forbidden(UserInfo user, RequestInfo request) {
		return forbidden(user, request, "");
	}

	/**
	 * @param denial an authorizer's reason for denying (the Node authorizer's), appended
	 * as kube-apiserver does: {@code ...in the namespace "ns": no relationship found...}
	 */
	public static Status forbidden(UserInfo user, RequestInfo request, String denial) {
		String reason = denial == null || denial.isEmpty() ? reason(user, request)
				: reason(user, request) + ": " + denial;
		String qualified = request.apiGroup().isEmpty() ? request.resource()
				: request.resource() + "." + request.apiGroup();
		String message;
		if (qualified.isEmpty() && request.name().isEmpty()) {
			message = "forbidden: " + reason;
		}
		else if (request.name().isEmpty()) {
			message = qualified + " is forbidden: " + reason;
		}
		else {
			message = qualified + " \"" + request.name() + "\" is forbidden: " + reason;
		}
		StatusDetailsBuilder details = new StatusDetailsBuilder();
		if (!request.name().isEmpty()) {
			details.withName(request.name());
		}
		if (!request.apiGroup().isEmpty()) {
			details.withGroup(request.apiGroup());
		}
		if (!request.resource().isEmpty()) {
			details.withKind(request.resource());
		}
		StatusDetails built = details.build();
		return StatusResponses.failure(403, "Forbidden", message, built);
	}

}
