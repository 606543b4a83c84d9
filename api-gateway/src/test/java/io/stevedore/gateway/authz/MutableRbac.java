package io.stevedore.gateway.authz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.stevedore.gateway.rbac.DefaultRoles;

/**
 * RBAC objects a test writes, deletes and replaces as an admin would, with a generation
 * that moves on at each write as InformerRbacLister's does at each informer event (or
 * not, to show what the authorizer keeps).
 */
final class MutableRbac implements RbacLister {

	private final Map<String, HasMetadata> objects = new LinkedHashMap<>();

	private long generation;

	private boolean counting = true;

	/** The default ClusterRoles and ClusterRoleBindings. */
	static MutableRbac withDefaults() {
		MutableRbac rbac = new MutableRbac();
		DefaultRoles.clusterRoles().forEach(rbac::put);
		DefaultRoles.clusterRoleBindings().forEach(rbac::put);
		return rbac;
	}

	/** Adds the object, or replaces the one of its kind, namespace and name. */
	MutableRbac put(HasMetadata object) {
		this.objects.put(key(object), object);
		changed();
		return this;
	}

	MutableRbac delete(HasMetadata object) {
		this.objects.remove(key(object));
		changed();
		return this;
	}

	/** From now on writes leave the generation as it is. */
	MutableRbac stopCounting() {
		this.counting = false;
		return this;
	}

	private void changed() {
		if (this.counting) {
			this.generation++;
		}
	}

	private static String key(HasMetadata object) {
		return object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
	}

	private <T> List<T> all(Class<T> type) {
		List<T> all = new ArrayList<>();
		for (HasMetadata object : this.objects.values()) {
			if (type.isInstance(object)) {
				all.add(type.cast(object));
			}
		}
		return all;
	}

	@Override
	public long generation() {
		return this.generation;
	}

	@Override
	public List<ClusterRoleBinding> clusterRoleBindings() {
		return all(ClusterRoleBinding.class);
	}

	@Override
	public List<RoleBinding> roleBindings(String namespace) {
		return all(RoleBinding.class).stream().filter((b) -> namespace.equals(b.getMetadata().getNamespace())).toList();
	}

	@Override
	public Optional<ClusterRole> clusterRole(String name) {
		return all(ClusterRole.class).stream().filter((r) -> name.equals(r.getMetadata().getName())).findFirst();
	}

	@Override
	public List<ClusterRole> clusterRoles() {
		return all(ClusterRole.class);
	}

	@Override
	public Optional<Role> role(String namespace, String name) {
		return all(Role.class).stream()
			.filter((r) -> namespace.equals(r.getMetadata().getNamespace()) && name.equals(r.getMetadata().getName()))
			.findFirst();
	}

}
