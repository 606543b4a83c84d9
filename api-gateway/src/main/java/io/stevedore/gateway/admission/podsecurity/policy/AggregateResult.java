package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.List;

/**
 * The refusals of every check run on one pod, in check order, as Kubernetes'
 * {@code AggregateCheckResult}.
 */
public record AggregateResult(List<CheckResult> forbidden) {

	public AggregateResult {
		forbidden = List.copyOf(forbidden);
	}

	public boolean allowed() {
		return this.forbidden.isEmpty();
	}

	/**
	 * {@code host ports, privileged}: the reasons only, used for namespace-wide warnings.
	 */
	public String forbiddenReason() {
		return String.join(", ", this.forbidden.stream().map(AggregateResult::reasonOf).toList());
	}

	/**
	 * {@code host ports (container "c" uses hostPort 80), privileged (...)}: what a
	 * refusal and a warning print.
	 */
	public String forbiddenDetail() {
		StringBuilder out = new StringBuilder();
		for (CheckResult result : this.forbidden) {
			if (!out.isEmpty()) {
				out.append(", ");
			}
			out.append(reasonOf(result));
			if (!result.detail().isEmpty()) {
				out.append(" (").append(result.detail()).append(')');
			}
		}
		return out.toString();
	}

	private static String reasonOf(CheckResult result) {
		return result.reason().isEmpty() ? "unknown forbidden reason" : result.reason();
	}

}
