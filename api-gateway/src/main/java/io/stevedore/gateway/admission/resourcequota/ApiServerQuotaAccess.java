package io.stevedore.gateway.admission.resourcequota;

import java.util.List;

import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.gateway.admission.InformerLister;

/**
 * Quotas from the gateway's informer (until it has listed once, from the apiserver) and
 * charges written with the gateway's own client straight to the apiserver.
 */
public final class ApiServerQuotaAccess implements QuotaAccess {

	private final InformerLister<ResourceQuota> quotas;

	private final KubernetesClient client;

	public ApiServerQuotaAccess(InformerLister<ResourceQuota> quotas, KubernetesClient client) {
		this.quotas = quotas;
		this.client = client;
	}

	@Override
	public List<ResourceQuota> list(String namespace) {
		return this.quotas.hasSynced() ? this.quotas.list(namespace)
				: this.client.resourceQuotas().inNamespace(namespace).list().getItems();
	}

	@Override
	public ResourceQuota get(String namespace, String name) {
		return this.client.resourceQuotas().inNamespace(namespace).withName(name).get();
	}

	@Override
	public ResourceQuota updateStatus(ResourceQuota quota) {
		try {
			return this.client.resourceQuotas()
				.inNamespace(quota.getMetadata().getNamespace())
				.resource(quota)
				.updateStatus();
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() == 409) {
				throw new Conflict(ex.getMessage());
			}
			throw ex;
		}
	}

}
