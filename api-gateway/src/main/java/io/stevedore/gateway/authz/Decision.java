package io.stevedore.gateway.authz;

/**
 * The authorizer's answer; {@code reason} says which binding allowed, for
 * SubjectAccessReview status and audit annotations.
 */
public record Decision(boolean allowed, String reason) {

	public static Decision allow(String reason) {
		return new Decision(true, reason);
	}

	public static final Decision NO_OPINION = new Decision(false, "");

}
