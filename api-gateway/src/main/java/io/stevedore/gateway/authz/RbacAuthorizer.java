package io.stevedore.gateway.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.stevedore.gateway.authn.UserInfo;

/**
 * Kubernetes' RBAC authorizer: members of {@code system:masters} may do anything;
 * otherwise a request is allowed when a rule of a role bound to the user (by name, by one
 * of its groups or as its ServiceAccount) allows it — ClusterRoleBindings everywhere,
 * RoleBindings in their namespace. There is no deny. An aggregated ClusterRole also holds
 * the rules of every ClusterRole its aggregationRule selects (matchLabels), as the
 * aggregation controller would have copied them. Thread-safe when the lister is.
 */
public final class RbacAuthorizer {

	private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

	private final RbacLister lister;

	private final NodeAuthorizer nodes;

	public RbacAuthorizer(RbacLister lister) {
		this(lister, null);
	}

	/**
	 * @param nodes consulted first, as kube-apiserver's
	 * {@code --authorization-mode=Node,RBAC}: its denial of a node's read of an unrelated
	 * Secret stands even though the {@code system:node} role, bound to every node, grants
	 * reading Secrets
	 */
	public RbacAuthorizer(RbacLister lister, NodeAuthorizer nodes) {
		this.lister = lister;
		this.nodes = nodes;
	}

	public Decision authorize(UserInfo user, RequestInfo request) {
		if (this.nodes != null) {
			Optional<Decision> nodeDecision = this.nodes.authorize(user, request);
			if (nodeDecision.isPresent()) {
				return nodeDecision.get();
			}
		}
		if (user.groups().contains(UserInfo.MASTERS)) {
			return Decision.allow("member of " + UserInfo.MASTERS);
		}
		for (ClusterRoleBinding binding : this.lister.clusterRoleBindings()) {
			if (appliesTo(binding.getSubjects(), user, "") && anyAllows(rulesOf(binding.getRoleRef(), ""), request)) {
				return Decision.allow("RBAC: allowed by ClusterRoleBinding \"" + binding.getMetadata().getName()
						+ "\" of ClusterRole \"" + binding.getRoleRef().getName() + "\" to " + user.name());
			}
		}
		if (!request.namespace().isEmpty()) {
			for (RoleBinding binding : this.lister.roleBindings(request.namespace())) {
				if (appliesTo(binding.getSubjects(), user, request.namespace())
						&& anyAllows(rulesOf(binding.getRoleRef(), request.namespace()), request)) {
					return Decision.allow("RBAC: allowed by RoleBinding \"" + binding.getMetadata().getName() + "/"
							+ request.namespace() + "\" of " + binding.getRoleRef().getKind() + " \""
							+ binding.getRoleRef().getName() + "\" to " + user.name());
				}
			}
		}
		return Decision.NO_OPINION;
	}

	private static boolean anyAllows(List<PolicyRule> rules, RequestInfo request) {
		for (PolicyRule rule : rules) {
			if (RuleMatcher.allows(rule, request)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The rules a binding in {@code bindingNamespace} (empty: cluster-wide) to
	 * {@code ref} grants, aggregation included.
	 */
	public List<PolicyRule> rulesOf(RoleRef ref, String bindingNamespace) {
		if (ref == null) {
			return List.of();
		}
		if ("ClusterRole".equals(ref.getKind())) {
			return this.lister.clusterRole(ref.getName()).map(this::clusterRoleRules).orElse(List.of());
		}
		if ("Role".equals(ref.getKind()) && !bindingNamespace.isEmpty()) {
			return this.lister.role(bindingNamespace, ref.getName())
				.map((role) -> nullToEmpty(role.getRules()))
				.orElse(List.of());
		}
		return List.of();
	}

	private List<PolicyRule> clusterRoleRules(ClusterRole role) {
		if (role.getAggregationRule() == null || role.getAggregationRule().getClusterRoleSelectors() == null) {
			return nullToEmpty(role.getRules());
		}
		List<PolicyRule> rules = new ArrayList<>(nullToEmpty(role.getRules()));
		for (ClusterRole candidate : this.lister.clusterRoles()) {
			if (candidate == role) {
				continue;
			}
			Map<String, String> labels = candidate.getMetadata().getLabels();
			for (LabelSelector selector : role.getAggregationRule().getClusterRoleSelectors()) {
				if (matchesLabels(selector, labels)) {
					rules.addAll(nullToEmpty(candidate.getRules()));
					break;
				}
			}
		}
		return rules;
	}

	private static boolean matchesLabels(LabelSelector selector, Map<String, String> labels) {
		Map<String, String> wanted = selector.getMatchLabels();
		if (wanted == null || wanted.isEmpty() || labels == null) {
			return false;
		}
		return labels.entrySet().containsAll(wanted.entrySet());
	}

	static boolean appliesTo(List<Subject> subjects, UserInfo user, String bindingNamespace) {
		if (subjects == null) {
			return false;
		}
		for (Subject subject : subjects) {
			switch (String.valueOf(subject.getKind())) {
				case "User" -> {
					if (user.name().equals(subject.getName())) {
						return true;
					}
				}
				case "Group" -> {
					if (user.groups().contains(subject.getName())) {
						return true;
					}
				}
				case "ServiceAccount" -> {
					String namespace = subject.getNamespace() == null || subject.getNamespace().isEmpty()
							? bindingNamespace : subject.getNamespace();
					if (user.name().equals(SERVICE_ACCOUNT_PREFIX + namespace + ":" + subject.getName())) {
						return true;
					}
				}
				default -> {
				}
			}
		}
		return false;
	}

	private static <T> List<T> nullToEmpty(List<T> list) {
		return list == null ? List.of() : list;
	}

}
