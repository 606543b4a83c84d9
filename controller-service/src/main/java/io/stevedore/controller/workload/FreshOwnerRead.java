package io.stevedore.controller.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * {@link CanAdopt} by an uncached GET of the owner (Kubernetes'
 * {@code RecheckDeletionTimestamp} over a quorum read, see kubernetes#42639): a
 * controller deleted or recreated since the informer saw it must not take new dependents,
 * which the garbage collector would then have to chase.
 */
public final class FreshOwnerRead implements CanAdopt {

	private final KubernetesClient client;

	public FreshOwnerRead(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public void check(HasMetadata owner) {
		String namespace = owner.getMetadata().getNamespace();
		String name = owner.getMetadata().getName();
		HasMetadata fresh = this.client.resources(owner.getClass()).inNamespace(namespace).withName(name).get();
		String kind = owner.getKind();
		if (fresh == null) {
			throw new KubernetesClientException(
					"original " + kind + " " + namespace + "/" + name + " is gone: not found", 404, null);
		}
		if (!owner.getMetadata().getUid().equals(fresh.getMetadata().getUid())) {
			throw new IllegalStateException("original " + kind + " " + namespace + "/" + name + " is gone: got uid "
					+ fresh.getMetadata().getUid() + ", wanted " + owner.getMetadata().getUid());
		}
		if (fresh.getMetadata().getDeletionTimestamp() != null) {
			throw new IllegalStateException(
					namespace + "/" + name + " has just been deleted at " + fresh.getMetadata().getDeletionTimestamp());
		}
	}

}
