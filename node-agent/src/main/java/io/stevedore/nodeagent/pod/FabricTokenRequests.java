package io.stevedore.nodeagent.pod;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * {@link TokenRequests} through the agent's client, as the kubelet asks for projected
 * tokens: the pod's ServiceAccount, the projection's audience and expiry, and a
 * {@code boundObjectRef} to the pod so the token dies with it. Only an API front that
 * holds the signing key (the gateway) serves it.
 */
public final class FabricTokenRequests implements TokenRequests {

	private final KubernetesClient client;

	public FabricTokenRequests(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public TokenRequest request(Pod pod, String audience, long expirationSeconds) {
		String account = pod.getSpec().getServiceAccountName() == null
				|| pod.getSpec().getServiceAccountName().isEmpty() ? "default" : pod.getSpec().getServiceAccountName();
		TokenRequest request = new TokenRequestBuilder().withNewSpec()
			.withAudiences(audience == null || audience.isEmpty() ? List.of() : List.of(audience))
			.withExpirationSeconds(expirationSeconds)
			.withNewBoundObjectRef()
			.withApiVersion("v1")
			.withKind("Pod")
			.withName(pod.getMetadata().getName())
			.withUid(pod.getMetadata().getUid())
			.endBoundObjectRef()
			.endSpec()
			.build();
		return this.client.serviceAccounts()
			.inNamespace(pod.getMetadata().getNamespace())
			.withName(account)
			.tokenRequest(request);
	}

}
