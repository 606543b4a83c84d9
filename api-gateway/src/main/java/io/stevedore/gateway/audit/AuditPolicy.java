package io.stevedore.gateway.audit;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.RequestInfo;

/**
 * An {@code audit.k8s.io/v1} Policy: the first matching rule decides the level; no match
 * is level None. A rule's omitStages add to the policy's; its omitManagedFields, when
 * set, overrides the policy's.
 *
 * <p>
 * Whatever a policy says, the bodies of Secrets, ConfigMaps and TokenRequests
 * ({@code serviceaccounts/token}, whose response is a token) are never written: their
 * level is capped at Metadata, as Kubernetes' documentation tells every policy to do.
 */
public record AuditPolicy(List<AuditRule> rules, Set<AuditStage> omitStages, boolean omitManagedFields) {

	/** What a request is audited with. */
	public record Decision(AuditLevel level, Set<AuditStage> omitStages, boolean omitManagedFields) {

		static final Decision NONE = new Decision(AuditLevel.None, Set.of(), true);

		public boolean writes(AuditStage stage) {
			return this.level != AuditLevel.None && !this.omitStages.contains(stage);
		}

	}

	/**
	 * The policy when no file is given: health and version probes are not logged,
	 * everything else at {@code level}, RequestReceived omitted and managed fields
	 * dropped, as Kubernetes' sample policies do.
	 */
	public static AuditPolicy defaults(AuditLevel level) {
		AuditRule probes = new AuditRule(AuditLevel.None, List.of(), List.of(), List.of(), List.of(), List.of(),
				List.of("/healthz*", "/livez*", "/readyz*", "/version", "/version/"), Set.of(), null);
		AuditRule everything = new AuditRule(level, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
				Set.of(), null);
		return new AuditPolicy(List.of(probes, everything), EnumSet.of(AuditStage.RequestReceived), true);
	}

	public Decision evaluate(UserInfo user, RequestInfo request) {
		for (AuditRule rule : this.rules) {
			if (rule.matches(user, request)) {
				Set<AuditStage> omitted = EnumSet.noneOf(AuditStage.class);
				omitted.addAll(this.omitStages);
				omitted.addAll(rule.omitStages());
				AuditLevel level = rule.level();
				if (level.atLeast(AuditLevel.Request) && bodiesAreSecret(request)) {
					level = AuditLevel.Metadata;
				}
				return new Decision(level, omitted,
						rule.omitManagedFields() != null ? rule.omitManagedFields() : this.omitManagedFields);
			}
		}
		return Decision.NONE;
	}

	static boolean bodiesAreSecret(RequestInfo request) {
		if (!request.resourceRequest() || !request.apiGroup().isEmpty()) {
			return false;
		}
		return request.resource().equals("secrets") || request.resource().equals("configmaps")
				|| request.resource().equals("serviceaccounts") && request.subresource().equals("token");
	}

}
