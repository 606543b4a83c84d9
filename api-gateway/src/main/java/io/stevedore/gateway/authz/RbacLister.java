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

	List<ClusterRoleBinding> clusterRoleBindings();

	List<RoleBinding> roleBindings(String namespace);

	Optional<ClusterRole> clusterRole(String name);

	List<ClusterRole> clusterRoles();

	Optional<Role> role(String namespace, String name);

}
