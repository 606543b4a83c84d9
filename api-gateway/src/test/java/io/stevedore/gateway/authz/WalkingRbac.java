package io.stevedore.gateway.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.stevedore.gateway.authn.UserInfo;

/**
 * Kubernetes' RBAC authorizer as plugin/pkg/auth/authorizer/rbac writes it, the reference
 * the indexed authorizer must agree with: every binding walked on every request, its
 * subjects matched as appliesToUser does, each aggregated ClusterRole resolved on the
 * spot. Nothing kept between requests.
 */
final class WalkingRbac {

	private WalkingRbac() {
	}

	static boolean allows(RbacLister lister, UserInfo user, RequestInfo request) {
		if (user.groups().contains(UserInfo.MASTERS)) {
			return true;
		}
		for (ClusterRoleBinding binding : lister.clusterRoleBindings()) {
			if (appliesTo(binding.getSubjects(), user, "")
					&& anyAllows(rules(lister, binding.getRoleRef(), ""), request)) {
				return true;
			}
		}
		if (request.namespace().isEmpty()) {
			return false;
		}
		for (RoleBinding binding : lister.roleBindings(request.namespace())) {
			if (appliesTo(binding.getSubjects(), user, request.namespace())
					&& anyAllows(rules(lister, binding.getRoleRef(), request.namespace()), request)) {
				return true;
			}
		}
		return false;
	}

	private static boolean appliesTo(List<Subject> subjects, UserInfo user, String bindingNamespace) {
		for (Subject subject : subjects == null ? List.<Subject>of() : subjects) {
			boolean applies = switch (String.valueOf(subject.getKind())) {
				case "User" -> user.name().equals(subject.getName());
				case "Group" -> user.groups().contains(subject.getName());
				case "ServiceAccount" -> {
					String namespace = subject.getNamespace() == null || subject.getNamespace().isEmpty()
							? bindingNamespace : subject.getNamespace();
					yield !namespace.isEmpty()
							&& user.name().equals("system:serviceaccount:" + namespace + ":" + subject.getName());
				}
				default -> false;
			};
			if (applies) {
				return true;
			}
		}
		return false;
	}

	private static List<PolicyRule> rules(RbacLister lister, RoleRef ref, String bindingNamespace) {
		if ("Role".equals(ref.getKind()) && !bindingNamespace.isEmpty()) {
			return lister.role(bindingNamespace, ref.getName()).map((r) -> orEmpty(r.getRules())).orElse(List.of());
		}
		if (!"ClusterRole".equals(ref.getKind()) || lister.clusterRole(ref.getName()).isEmpty()) {
			return List.of();
		}
		ClusterRole role = lister.clusterRole(ref.getName()).get();
		List<PolicyRule> rules = new ArrayList<>(orEmpty(role.getRules()));
		if (role.getAggregationRule() != null) {
			for (ClusterRole other : lister.clusterRoles()) {
				if (!other.getMetadata().getName().equals(role.getMetadata().getName())
						&& selected(orEmpty(role.getAggregationRule().getClusterRoleSelectors()),
								other.getMetadata().getLabels())) {
					rules.addAll(orEmpty(other.getRules()));
				}
			}
		}
		return rules;
	}

	private static boolean selected(List<LabelSelector> selectors, Map<String, String> labels) {
		return labels != null && selectors.stream()
			.anyMatch((s) -> s.getMatchLabels() != null && !s.getMatchLabels().isEmpty()
					&& labels.entrySet().containsAll(s.getMatchLabels().entrySet()));
	}

	private static boolean anyAllows(List<PolicyRule> rules, RequestInfo request) {
		return rules.stream().anyMatch((rule) -> RuleMatcher.allows(rule, request));
	}

	private static <T> List<T> orEmpty(List<T> list) {
		return list == null ? List.of() : list;
	}

}
