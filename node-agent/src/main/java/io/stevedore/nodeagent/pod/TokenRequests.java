package io.stevedore.nodeagent.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;

/**
 * The TokenRequest API as the agent calls it ({@code POST
 * serviceaccounts/<name>/token}, bound to the pod), behind an interface so the token
 * cache and the volumes are unit-tested.
 */
@FunctionalInterface
public interface TokenRequests {

	/** Fails when none is issued. The default: there is no TokenRequest API to call. */
	TokenRequests NONE = (pod, audience, expirationSeconds) -> {
		throw new IllegalStateException("this node agent has no TokenRequest API to call");
	};

	/**
	 * A token for the pod's ServiceAccount, bound to the pod.
	 * @param audience empty: the API's own audiences
	 * @return the issued request (status.token and status.expirationTimestamp)
	 */
	TokenRequest request(Pod pod, String audience, long expirationSeconds);

}
