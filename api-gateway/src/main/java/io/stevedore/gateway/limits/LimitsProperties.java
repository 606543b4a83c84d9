package io.stevedore.gateway.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stevedore.gateway.limits.*}.
 *
 * @param maxRequestsInflight short read-only requests served at once (kube-apiserver's
 * {@code --max-requests-inflight}, same default); 0: no cap
 * @param maxMutatingRequestsInflight short mutating requests served at once
 * ({@code --max-mutating-requests-inflight}, same default); 0: no cap
 * @param userQps requests a second each user may make on average; 0: no per-user limit.
 * Generous by default: it stops one runaway client, not a busy controller
 * @param userBurst requests a user may make at once before {@code userQps} applies
 */
@ConfigurationProperties("stevedore.gateway.limits")
public record LimitsProperties(@DefaultValue("400") int maxRequestsInflight,
		@DefaultValue("200") int maxMutatingRequestsInflight, @DefaultValue("200") double userQps,
		@DefaultValue("2000") int userBurst) {

	public LimitsProperties {
		if (maxRequestsInflight < 0 || maxMutatingRequestsInflight < 0 || userQps < 0 || userBurst < 0) {
			throw new IllegalArgumentException("stevedore.gateway.limits: max-requests-inflight (" + maxRequestsInflight
					+ "), max-mutating-requests-inflight (" + maxMutatingRequestsInflight + "), user-qps (" + userQps
					+ ") and user-burst (" + userBurst + ") must not be negative");
		}
	}

}
