package io.stevedore.gateway.admission.podsecurity.policy;

/**
 * What one check says of one pod. A refusal has a short {@code reason}
 * ({@code host ports}) and an optional {@code detail} naming what broke it
 * ({@code container "c" uses hostPort 8080}); both are worded exactly as Kubernetes'
 * pod-security-admission words them, because users grep for them.
 */
public record CheckResult(boolean allowed, String reason, String detail) {

	private static final CheckResult ALLOWED = new CheckResult(true, "", "");

	public static CheckResult ok() {
		return ALLOWED;
	}

	public static CheckResult forbidden(String reason, String detail) {
		return new CheckResult(false, reason, detail == null ? "" : detail);
	}

}
