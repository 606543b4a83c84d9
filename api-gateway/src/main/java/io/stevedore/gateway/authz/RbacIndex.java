package io.stevedore.gateway.authz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.stevedore.gateway.authn.UserInfo;

/**
 * The RBAC objects of one {@link RbacLister#generation() generation}, arranged for the
 * question the authorizer asks on every request: which rules do bindings to this user, to
 * one of its groups or to it as a ServiceAccount grant? Bindings are indexed by subject,
 * each with its role's rules already resolved (aggregation included), so a request looks
 * up a handful of grants instead of walking every binding and, for each aggregated role,
 * every ClusterRole. Immutable once built except for the namespaces, filled in as
 * requests name them; a new generation builds a new index.
 */
final class RbacIndex {

	private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

	private final RbacLister lister;

	final long generation;

	private final Map<String, List<PolicyRule>> clusterRoleRules;

	private final Grants cluster;

	/** Only namespaces with grants: a request may name any namespace. */
	private final Map<String, Grants> namespaces = new ConcurrentHashMap<>();

	private RbacIndex(RbacLister lister, long generation) {
		this.lister = lister;
		this.generation = generation;
		this.clusterRoleRules = resolveClusterRoles(lister.clusterRoles());
		this.cluster = new Grants();
		for (ClusterRoleBinding binding : lister.clusterRoleBindings()) {
			RoleRef ref = binding.getRoleRef();
			List<PolicyRule> rules = rulesOf(ref, "");
			if (!rules.isEmpty()) {
				this.cluster.add(binding.getSubjects(), "", new Grant("RBAC: allowed by ClusterRoleBinding \""
						+ binding.getMetadata().getName() + "\" of ClusterRole \"" + ref.getName() + "\" to ", rules));
			}
		}
	}

	/** Reads the lister now: call after reading its generation. */
	static RbacIndex build(RbacLister lister, long generation) {
		return new RbacIndex(lister, generation);
	}

	/** The first grant that allows the request to the user, or null. */
	Grant allowing(UserInfo user, RequestInfo request) {
		Grant grant = this.cluster.allowing(user, request);
		if (grant == null && !request.namespace().isEmpty()) {
			grant = namespace(request.namespace()).allowing(user, request);
		}
		return grant;
	}

	/**
	 * Every rule granted to the user cluster-wide and in {@code namespace} (empty: none),
	 * ClusterRoleBindings first, each binding once even when it names the user twice
	 * (Kubernetes' RulesFor, what SelfSubjectRulesReview lists).
	 */
	List<PolicyRule> rulesFor(UserInfo user, String namespace) {
		java.util.Set<Grant> grants = new java.util.LinkedHashSet<>();
		this.cluster.collect(user, grants);
		if (!namespace.isEmpty()) {
			namespace(namespace).collect(user, grants);
		}
		List<PolicyRule> rules = new ArrayList<>();
		grants.forEach((grant) -> rules.addAll(grant.rules()));
		return rules;
	}

	/**
	 * The rules a binding in {@code bindingNamespace} (empty: cluster-wide) to
	 * {@code ref} grants, aggregation included.
	 */
	List<PolicyRule> rulesOf(RoleRef ref, String bindingNamespace) {
		if (ref == null) {
			return List.of();
		}
		if ("ClusterRole".equals(ref.getKind())) {
			return this.clusterRoleRules.getOrDefault(ref.getName(), List.of());
		}
		if ("Role".equals(ref.getKind()) && !bindingNamespace.isEmpty()) {
			return this.lister.role(bindingNamespace, ref.getName())
				.map((role) -> nullToEmpty(role.getRules()))
				.orElse(List.of());
		}
		return List.of();
	}

	private Grants namespace(String namespace) {
		Grants grants = this.namespaces.get(namespace);
		if (grants != null) {
			return grants;
		}
		grants = new Grants();
		for (RoleBinding binding : this.lister.roleBindings(namespace)) {
			RoleRef ref = binding.getRoleRef();
			List<PolicyRule> rules = rulesOf(ref, namespace);
			if (!rules.isEmpty()) {
				grants
					.add(binding.getSubjects(), namespace,
							new Grant(
									"RBAC: allowed by RoleBinding \"" + binding.getMetadata().getName() + "/"
											+ namespace + "\" of " + ref.getKind() + " \"" + ref.getName() + "\" to ",
									rules));
			}
		}
		if (grants.isEmpty()) {
			return grants;
		}
		Grants raced = this.namespaces.putIfAbsent(namespace, grants);
		return raced == null ? grants : raced;
	}

	/**
	 * Each ClusterRole's rules; an aggregated one also holds the rules of every
	 * ClusterRole its aggregationRule selects (matchLabels), as the aggregation
	 * controller would have copied them.
	 */
	private static Map<String, List<PolicyRule>> resolveClusterRoles(List<ClusterRole> roles) {
		Map<String, List<PolicyRule>> resolved = new HashMap<>();
		for (ClusterRole role : roles) {
			List<PolicyRule> rules = new ArrayList<>(nullToEmpty(role.getRules()));
			if (role.getAggregationRule() != null && role.getAggregationRule().getClusterRoleSelectors() != null) {
				for (ClusterRole candidate : roles) {
					if (candidate != role && selectedBy(role.getAggregationRule().getClusterRoleSelectors(),
							candidate.getMetadata().getLabels())) {
						rules.addAll(nullToEmpty(candidate.getRules()));
					}
				}
			}
			resolved.put(role.getMetadata().getName(), List.copyOf(rules));
		}
		return resolved;
	}

	private static boolean selectedBy(List<LabelSelector> selectors, Map<String, String> labels) {
		for (LabelSelector selector : selectors) {
			Map<String, String> wanted = selector.getMatchLabels();
			if (wanted != null && !wanted.isEmpty() && labels != null
					&& labels.entrySet().containsAll(wanted.entrySet())) {
				return true;
			}
		}
		return false;
	}

	private static <T> List<T> nullToEmpty(List<T> list) {
		return list == null ? List.of() : list;
	}

	/**
	 * What one binding grants: its rules, and the start of the decision's reason (the
	 * user name completes it).
	 */
	record Grant(String reason, List<PolicyRule> rules) {

		boolean allows(RequestInfo request) {
			for (PolicyRule rule : this.rules) {
				if (RuleMatcher.allows(rule, request)) {
					return true;
				}
			}
			return false;
		}

	}

	/**
	 * The grants of one scope by subject. A ServiceAccount subject is filed under its
	 * user name, {@code system:serviceaccount:<namespace>:<name>}, the namespace
	 * defaulting to the binding's; as in Kubernetes, one with neither (in a
	 * ClusterRoleBinding) applies to nobody. Subjects of another kind apply to nobody.
	 */
	private static final class Grants {

		private final Map<String, List<Grant>> byUser = new HashMap<>();

		private final Map<String, List<Grant>> byGroup = new HashMap<>();

		void add(List<Subject> subjects, String bindingNamespace, Grant grant) {
			for (Subject subject : nullToEmpty(subjects)) {
				switch (String.valueOf(subject.getKind())) {
					case "User" -> file(this.byUser, subject.getName(), grant);
					case "Group" -> file(this.byGroup, subject.getName(), grant);
					case "ServiceAccount" -> {
						String namespace = subject.getNamespace() == null || subject.getNamespace().isEmpty()
								? bindingNamespace : subject.getNamespace();
						if (!namespace.isEmpty()) {
							file(this.byUser, SERVICE_ACCOUNT_PREFIX + namespace + ":" + subject.getName(), grant);
						}
					}
					default -> {
					}
				}
			}
		}

		private static void file(Map<String, List<Grant>> index, String key, Grant grant) {
			List<Grant> grants = index.computeIfAbsent(key, (k) -> new ArrayList<>(1));
			// A binding naming the subject twice is one grant.
			if (grants.isEmpty() || grants.get(grants.size() - 1) != grant) {
				grants.add(grant);
			}
		}

		boolean isEmpty() {
			return this.byUser.isEmpty() && this.byGroup.isEmpty();
		}

		void collect(UserInfo user, java.util.Set<Grant> into) {
			into.addAll(nullToEmpty(this.byUser.get(user.name())));
			for (String group : user.groups()) {
				into.addAll(nullToEmpty(this.byGroup.get(group)));
			}
		}

		Grant allowing(UserInfo user, RequestInfo request) {
			Grant grant = first(this.byUser.get(user.name()), request);
			for (int i = 0; grant == null && i < user.groups().size(); i++) {
				grant = first(this.byGroup.get(user.groups().get(i)), request);
			}
			return grant;
		}

		private static Grant first(List<Grant> grants, RequestInfo request) {
			if (grants != null) {
				for (Grant grant : grants) {
					if (grant.allows(request)) {
						return grant;
					}
				}
			}
			return null;
		}

	}

}
