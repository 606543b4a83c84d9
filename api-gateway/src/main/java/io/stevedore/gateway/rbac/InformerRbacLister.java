package io.stevedore.gateway.rbac;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.stevedore.gateway.authz.RbacLister;

import org.springframework.context.SmartLifecycle;

/**
 * Roles, ClusterRoles and their bindings from informers on the apiserver (list+watch, all
 * namespaces), so authorization never waits on a request of its own. Until the first list
 * arrives the caches are empty and only system:masters is allowed. The informers retry a
 * failed list or watch for ever: the gateway may start before the apiserver. Every event
 * moves the {@link #generation() generation} on; fabric8 tells handlers after it has
 * updated its store, so the objects already show the change.
 */
public final class InformerRbacLister implements RbacLister, SmartLifecycle {

	private final KubernetesClient client;

	private final AtomicLong generation = new AtomicLong();

	private SharedIndexInformer<ClusterRole> clusterRoles;

	private SharedIndexInformer<ClusterRoleBinding> clusterRoleBindings;

	private SharedIndexInformer<Role> roles;

	private SharedIndexInformer<RoleBinding> roleBindings;

	public InformerRbacLister(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public synchronized void start() {
		this.clusterRoles = run(this.client.rbac().clusterRoles().runnableInformer(0));
		this.clusterRoleBindings = run(this.client.rbac().clusterRoleBindings().runnableInformer(0));
		this.roles = run(this.client.rbac().roles().inAnyNamespace().runnableInformer(0));
		this.roleBindings = run(this.client.rbac().roleBindings().inAnyNamespace().runnableInformer(0));
	}

	private <T extends io.fabric8.kubernetes.api.model.HasMetadata> SharedIndexInformer<T> run(
			SharedIndexInformer<T> informer) {
		informer.exceptionHandler((started, error) -> true);
		informer.addEventHandler(new ResourceEventHandler<T>() {

			@Override
			public void onAdd(T object) {
				InformerRbacLister.this.generation.incrementAndGet();
			}

			@Override
			public void onUpdate(T old, T object) {
				InformerRbacLister.this.generation.incrementAndGet();
			}

			@Override
			public void onDelete(T object, boolean finalStateUnknown) {
				InformerRbacLister.this.generation.incrementAndGet();
			}

		});
		informer.start();
		return informer;
	}

	/** Whether every informer has listed once. */
	public boolean hasSynced() {
		return this.clusterRoles != null && this.clusterRoles.hasSynced() && this.clusterRoleBindings.hasSynced()
				&& this.roles.hasSynced() && this.roleBindings.hasSynced();
	}

	@Override
	public long generation() {
		return this.generation.get();
	}

	@Override
	public List<ClusterRoleBinding> clusterRoleBindings() {
		return this.clusterRoleBindings == null ? List.of() : this.clusterRoleBindings.getStore().list();
	}

	@Override
	public List<RoleBinding> roleBindings(String namespace) {
		return this.roleBindings == null ? List.of()
				: this.roleBindings.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
	}

	@Override
	public Optional<ClusterRole> clusterRole(String name) {
		return this.clusterRoles == null ? Optional.empty()
				: Optional.ofNullable(this.clusterRoles.getStore().getByKey(name));
	}

	@Override
	public List<ClusterRole> clusterRoles() {
		return this.clusterRoles == null ? List.of() : this.clusterRoles.getStore().list();
	}

	@Override
	public Optional<Role> role(String namespace, String name) {
		return this.roles == null ? Optional.empty()
				: Optional.ofNullable(this.roles.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
	}

	@Override
	public synchronized void stop() {
		for (SharedIndexInformer<?> informer : List.of(this.clusterRoles, this.clusterRoleBindings, this.roles,
				this.roleBindings)) {
			informer.close();
		}
		this.clusterRoles = null;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.clusterRoles != null;
	}

}
