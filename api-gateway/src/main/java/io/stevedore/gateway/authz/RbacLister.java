package io.stevedore.gateway.authz;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/**
 * Read access to the RBAC objects the authorizer evaluates. Objects returned are shared
 * cache entries: never mutate them.
 */
public interface RbacLister {

	/** {@link #generation()} of a lister that cannot tell when its objects change. */
	long UNKNOWN_GENERATION = -1;

	List<ClusterRoleBinding> clusterRoleBindings();

	List<RoleBinding> roleBindings(String namespace);

	Optional<ClusterRole> clusterRole(String name);

	List<ClusterRole> clusterRoles();

	Optional<Role> role(String namespace, String name);

	/**
	 * A number that changes whenever any Role, ClusterRole or binding is added, changed
	 * or deleted, and only after the objects returned show the change: the authorizer
	 * keeps what it derived from them while it stays the same.
	 * {@link #UNKNOWN_GENERATION} (the default): derive again on every request.
	 */
	default long generation() {
		return UNKNOWN_GENERATION;
	}

}
