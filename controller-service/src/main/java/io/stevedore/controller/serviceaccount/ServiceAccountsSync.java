package io.stevedore.controller.serviceaccount;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.CacheLister;

/**
 * Kubernetes' ServiceAccounts controller: every active namespace has a ServiceAccount
 * named {@code default}, recreated when deleted. A terminating namespace gets none (the
 * apiserver would refuse it anyway). Keys are namespace names.
 */
public final class ServiceAccountsSync implements Reconciler {

	public static final String DEFAULT = "default";

	private final java.util.function.Function<String, Namespace> namespaces;

	private final CacheLister<ServiceAccount> serviceAccounts;

	private final java.util.function.Consumer<ServiceAccount> create;

	public ServiceAccountsSync(java.util.function.Function<String, Namespace> namespaces,
			CacheLister<ServiceAccount> serviceAccounts, java.util.function.Consumer<ServiceAccount> create) {
		this.namespaces = namespaces;
		this.serviceAccounts = serviceAccounts;
		this.create = create;
	}

	@Override
	public Result reconcile(String key) {
		Keys.check(key);
		Namespace namespace = this.namespaces.apply(key);
		if (namespace == null || namespace.getMetadata().getDeletionTimestamp() != null
				|| (namespace.getStatus() != null && "Terminating".equals(namespace.getStatus().getPhase()))) {
			return Result.done();
		}
		if (this.serviceAccounts.get(key, DEFAULT) != null) {
			return Result.done();
		}
		try {
			this.create.accept(new ServiceAccountBuilder().withNewMetadata()
				.withName(DEFAULT)
				.withNamespace(key)
				.endMetadata()
				.build());
		}
		catch (KubernetesClientException ex) {
			// 409: created meanwhile (the cache lagged); 403 or 404: the namespace is
			// going.
			if (ex.getCode() != 409 && ex.getCode() != 403 && ex.getCode() != 404) {
				throw ex;
			}
		}
		return Result.done();
	}

}
