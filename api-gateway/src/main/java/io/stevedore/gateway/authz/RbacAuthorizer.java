package io.stevedore.gateway.authz;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.stevedore.gateway.authn.UserInfo;

/**
 * Kubernetes' RBAC authorizer: members of {@code system:masters} may do anything;
 * otherwise a request is allowed when a rule of a role bound to the user (by name, by one
 * of its groups or as its ServiceAccount) allows it — ClusterRoleBindings everywhere,
 * RoleBindings in their namespace. There is no deny. An aggregated ClusterRole also holds
 * the rules of every ClusterRole its aggregationRule selects (matchLabels), as the
 * aggregation controller would have copied them.
 *
 * <p>
 * Kubernetes walks every binding on each request; here the bindings are indexed by
 * subject ({@link RbacIndex}) once per {@link RbacLister#generation() generation} of the
 * RBAC objects, so a request looks only at the bindings of its user and groups (the walk
 * was about a tenth of the gateway's CPU per GET). Thread-safe when the lister is.
 */
public final class RbacAuthorizer {

	private final RbacLister lister;

	private final NodeAuthorizer nodes;

	/** Rebuilt when the lister's generation moves on. */
	private volatile RbacIndex index;

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
		RbacIndex.Grant grant = index().allowing(user, request);
		return grant == null ? Decision.NO_OPINION : Decision.allow(grant.reason() + user.name());
	}

	/**
	 * What the user may do in {@code namespace}, as kube-apiserver's rule resolvers
	 * enumerate it for SelfSubjectRulesReview: the rules of the user's RBAC bindings. A
	 * node's list is incomplete, as the Node authorizer's (it decides per object and
	 * cannot enumerate).
	 */
	public Rules rulesFor(UserInfo user, String namespace) {
		// No '*' for system:masters here: kube-apiserver's privileged-group authorizer
		// resolves no rules, so masters see what their bindings (cluster-admin) list.
		List<PolicyRule> rules = index().rulesFor(user, namespace);
		boolean node = this.nodes != null && NodeIdentity.nodeName(user).isPresent();
		return new Rules(rules, node, node ? "node authorizer does not support user rule resolution" : "");
	}

	/**
	 * @param incomplete whether an authorizer could not list all it allows
	 * @param evaluationError why, or empty
	 */
	public record Rules(List<PolicyRule> rules, boolean incomplete, String evaluationError) {
	}

	/**
	 * The rules a binding in {@code bindingNamespace} (empty: cluster-wide) to
	 * {@code ref} grants, aggregation included.
	 */
	public List<PolicyRule> rulesOf(RoleRef ref, String bindingNamespace) {
		return index().rulesOf(ref, bindingNamespace);
	}

	/**
	 * The index of the lister's current generation. The generation is read before the
	 * objects: a change while building bumps it, and the next request builds again.
	 */
	private RbacIndex index() {
		long generation = this.lister.generation();
		RbacIndex current = this.index;
		if (current != null && current.generation == generation && generation != RbacLister.UNKNOWN_GENERATION) {
			return current;
		}
		current = RbacIndex.build(this.lister, generation);
		this.index = current;
		return current;
	}

}
