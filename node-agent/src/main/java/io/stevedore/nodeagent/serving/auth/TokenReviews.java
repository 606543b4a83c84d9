package io.stevedore.nodeagent.serving.auth;

import java.util.Optional;

/** Whom a bearer token stands for (the kubelet's webhook token authentication). */
@FunctionalInterface
public interface TokenReviews {

	/**
	 * @return the token's user; empty when the token does not authenticate
	 * @throws ReviewException when there is no answer
	 */
	Optional<KubeletUser> review(String token) throws ReviewException;

}
