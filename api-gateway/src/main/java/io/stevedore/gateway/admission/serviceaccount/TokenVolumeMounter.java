package io.stevedore.gateway.admission.serviceaccount;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;

/**
 * The hook where the ServiceAccount plugin mounts the account's token into a new pod
 * (Kubernetes' projected {@code kube-api-access-*} volume: a serviceAccountToken source,
 * the cluster CA and the namespace, mounted at
 * {@code /var/run/secrets/kubernetes.io/serviceaccount} in every container). Called only
 * when the pod or its account does not opt out with {@code automountServiceAccountToken:
 * false}. The gateway's bean is {@link KubeApiAccessVolume} when
 * {@code stevedore.gateway.admission.service-account-token-volume=true}, else
 * {@link #NONE}, which mounts nothing.
 */
@FunctionalInterface
public interface TokenVolumeMounter {

	TokenVolumeMounter NONE = (account, pod) -> {
	};

	/** Adds the token volume and mounts to {@code pod}, in place. */
	void mount(ServiceAccount account, Pod pod);

}
