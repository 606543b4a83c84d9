package io.stevedore.gateway.serviceaccount;

import java.time.Instant;
import java.util.List;

/**
 * The claims of a ServiceAccount token as kube-apiserver issues them: the registered ones
 * and the private {@code kubernetes.io} claim.
 *
 * @param pod the pod the token is bound to, or null
 * @param secret the secret the token is bound to, or null
 * @param node the node of the bound pod, or null
 */
public record TokenClaims(String issuer, List<String> audiences, String namespace, String serviceAccountName,
		String serviceAccountUid, BoundObject pod, BoundObject secret, BoundObject node, String id, Instant issuedAt,
		Instant expiresAt) {

	public static final String SUBJECT_PREFIX = "system:serviceaccount:";

	public TokenClaims {
		audiences = List.copyOf(audiences);
	}

	/** {@code system:serviceaccount:NS:NAME}, the token's subject and user name. */
	public String subject() {
		return SUBJECT_PREFIX + this.namespace + ":" + this.serviceAccountName;
	}

}
