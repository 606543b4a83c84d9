package io.stevedore.gateway.admission.rbac;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionPlugin;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.RbacAuthorizer;
import io.stevedore.gateway.authz.RbacLister;
import io.stevedore.gateway.authz.RequestInfo;

/**
 * Kubernetes' RBAC escalation prevention (pkg/registry/rbac: the policy-based role and
 * binding storage): a user may write a Role or ClusterRole only with rules it already
 * holds where the role applies, unless it has {@code escalate} on it; and a RoleBinding
 * or ClusterRoleBinding only to a role whose rules it holds, unless it has {@code bind}
 * on that role. Kubernetes does this in the registry; here it is an admission plugin
 * because the gateway is where the user and the authorizer are, and the apiserver already
 * stores nothing when admission refuses.
 *
 * <p>
 * A rule is held when every (group, resource, verb, resourceName) it names, or every
 * (nonResourceURL, verb), is allowed to the user by the RBAC authorizer. A wildcard is
 * asked as the literal {@code *}, which only a wildcard rule allows: the same covering
 * Kubernetes' rule coverage computes.
 */
public final class RbacEscalation implements AdmissionPlugin {

	static final String GROUP = "rbac.authorization.k8s.io";

	private final RbacAuthorizer authorizer;

	private final RbacLister lister;

	public RbacEscalation(RbacAuthorizer authorizer, RbacLister lister) {
		this.authorizer = authorizer;
		this.lister = lister;
	}

	@Override
	public String name() {
		return "RBACEscalation";
	}

	@Override
	public Set<String> resources() {
		return Set.of(GROUP + "/roles", GROUP + "/clusterroles", GROUP + "/rolebindings",
				GROUP + "/clusterrolebindings");
	}

	@Override
	public void validate(AdmissionAttributes attributes) {
		String operation = attributes.operation();
		if (!AdmissionAttributes.CREATE.equals(operation) && !AdmissionAttributes.UPDATE.equals(operation)
				|| !attributes.subresource().isEmpty() || attributes.user() == null) {
			return;
		}
		HasMetadata object = attributes.object();
		if (object instanceof Role role) {
			checkRole(attributes, "roles", attributes.namespace(), role.getRules());
		}
		else if (object instanceof ClusterRole clusterRole) {
			boolean aggregated = clusterRole.getAggregationRule() != null
					&& clusterRole.getAggregationRule().getClusterRoleSelectors() != null
					&& !clusterRole.getAggregationRule().getClusterRoleSelectors().isEmpty();
			// Kubernetes: the aggregationRule pulls in rules of any ClusterRole, so only
			// a
			// user who may escalate may set it.
			if (aggregated && !mayEscalate(attributes.user(), "clusterroles", "", attributes.displayName())) {
				throw AdmissionDenied.forbidden(attributes,
						"must have cluster-admin privileges to use the aggregationRule");
			}
			checkRole(attributes, "clusterroles", "", clusterRole.getRules());
		}
		else if (object instanceof RoleBinding binding) {
			checkBinding(attributes, binding.getRoleRef(), attributes.namespace());
		}
		else if (object instanceof ClusterRoleBinding binding) {
			checkBinding(attributes, binding.getRoleRef(), "");
		}
	}

	private void checkRole(AdmissionAttributes attributes, String resource, String namespace, List<PolicyRule> rules) {
		if (mayEscalate(attributes.user(), resource, namespace, attributes.displayName())) {
			return;
		}
		confirmNoEscalation(attributes, namespace, rules);
	}

	private void checkBinding(AdmissionAttributes attributes, RoleRef ref, String namespace) {
		if (ref == null) {
			return;
		}
		String roleResource = "ClusterRole".equals(ref.getKind()) ? "clusterroles" : "roles";
		if (this.authorizer
			.authorize(attributes.user(),
					RequestInfo.resource("bind", GROUP, namespace, roleResource, "", ref.getName()))
			.allowed()) {
			return;
		}
		// Kubernetes' GetRoleReferenceRules fails on a missing role: binding one that may
		// later be created with any rules is not allowed without bind.
		boolean exists = "ClusterRole".equals(ref.getKind()) ? this.lister.clusterRole(ref.getName()).isPresent()
				: this.lister.role(namespace, ref.getName()).isPresent();
		if (!exists) {
			throw AdmissionDenied.forbidden(attributes,
					roleResource + "." + GROUP + " \"" + ref.getName() + "\" not found");
		}
		confirmNoEscalation(attributes, namespace, this.authorizer.rulesOf(ref, namespace));
	}

	private boolean mayEscalate(UserInfo user, String resource, String namespace, String name) {
		return this.authorizer.authorize(user, RequestInfo.resource("escalate", GROUP, namespace, resource, "", name))
			.allowed();
	}

	private void confirmNoEscalation(AdmissionAttributes attributes, String namespace, List<PolicyRule> rules) {
		List<String> missing = new ArrayList<>();
		for (PolicyRule rule : rules == null ? List.<PolicyRule>of() : rules) {
			for (PolicyRule atom : atoms(rule)) {
				if (!held(attributes.user(), namespace, atom)) {
					missing.add(compact(atom));
				}
			}
		}
		if (missing.isEmpty()) {
			return;
		}
		UserInfo user = attributes.user();
		throw AdmissionDenied.forbidden(attributes, "user \"" + user.name() + "\" (groups=" + quoted(user.groups())
				+ ") is attempting to grant RBAC permissions not currently held:\n" + String.join("\n", missing));
	}

	private boolean held(UserInfo user, String namespace, PolicyRule atom) {
		String verb = atom.getVerbs().get(0);
		if (atom.getNonResourceURLs() != null && !atom.getNonResourceURLs().isEmpty()) {
			return this.authorizer.authorize(user, RequestInfo.nonResource(atom.getNonResourceURLs().get(0), verb))
				.allowed();
		}
		String resource = atom.getResources().get(0);
		String subresource = "";
		int slash = resource.indexOf('/');
		if (slash >= 0) {
			subresource = resource.substring(slash + 1);
			resource = resource.substring(0, slash);
		}
		String name = atom.getResourceNames() == null || atom.getResourceNames().isEmpty() ? ""
				: atom.getResourceNames().get(0);
		return this.authorizer
			.authorize(user,
					RequestInfo.resource(verb, atom.getApiGroups().get(0), namespace, resource, subresource, name))
			.allowed();
	}

	/**
	 * A rule broken into rules of one group, resource, verb and resourceName (or one URL
	 * and verb), as Kubernetes' BreakdownRule: each must be held on its own.
	 */
	static List<PolicyRule> atoms(PolicyRule rule) {
		List<PolicyRule> atoms = new ArrayList<>();
		for (String verb : orEmpty(rule.getVerbs())) {
			for (String group : orEmpty(rule.getApiGroups())) {
				for (String resource : orEmpty(rule.getResources())) {
					List<String> names = orEmpty(rule.getResourceNames());
					if (names.isEmpty()) {
						atoms.add(atom(List.of(group), List.of(resource), List.of(), List.of(), verb));
					}
					for (String name : names) {
						atoms.add(atom(List.of(group), List.of(resource), List.of(name), List.of(), verb));
					}
				}
			}
			for (String url : orEmpty(rule.getNonResourceURLs())) {
				atoms.add(atom(List.of(), List.of(), List.of(), List.of(url), verb));
			}
		}
		return atoms;
	}

	private static PolicyRule atom(List<String> groups, List<String> resources, List<String> names, List<String> urls,
			String verb) {
		PolicyRule atom = new PolicyRule();
		atom.setApiGroups(new ArrayList<>(groups));
		atom.setResources(new ArrayList<>(resources));
		atom.setResourceNames(new ArrayList<>(names));
		atom.setNonResourceURLs(new ArrayList<>(urls));
		atom.setVerbs(new ArrayList<>(List.of(verb)));
		return atom;
	}

	/**
	 * Kubernetes' CompactString: {APIGroups:["apps"], Resources:["deployments"],
	 * Verbs:["get"]}.
	 */
	static String compact(PolicyRule atom) {
		List<String> parts = new ArrayList<>();
		if (!atom.getApiGroups().isEmpty()) {
			parts.add("APIGroups:" + quoted(atom.getApiGroups()));
		}
		if (!atom.getResources().isEmpty()) {
			parts.add("Resources:" + quoted(atom.getResources()));
		}
		if (!atom.getNonResourceURLs().isEmpty()) {
			parts.add("NonResourceURLs:" + quoted(atom.getNonResourceURLs()));
		}
		if (!atom.getResourceNames().isEmpty()) {
			parts.add("ResourceNames:" + quoted(atom.getResourceNames()));
		}
		parts.add("Verbs:" + quoted(atom.getVerbs()));
		return "{" + String.join(", ", parts) + "}";
	}

	private static String quoted(List<String> values) {
		List<String> quoted = new ArrayList<>();
		for (String value : values) {
			quoted.add("\"" + value + "\"");
		}
		return "[" + String.join(" ", quoted) + "]";
	}

	private static List<String> orEmpty(List<String> list) {
		return list == null ? List.of() : list;
	}

}
