package io.stevedore.gateway.authz;

import java.util.Optional;

import io.stevedore.gateway.authn.UserInfo;

/**
 * Kubernetes' NodeIdentifier: a user is a node when its name is {@code system:node:NAME}
 * and it is in the group {@code system:nodes}; both, so that neither a user who picks
 * such a name nor a member of the group alone passes as a node.
 */
public final class NodeIdentity {

	public static final String USER_PREFIX = "system:node:";

	public static final String GROUP = "system:nodes";

	private NodeIdentity() {
	}

	/** The node's name, or empty for any other user. */
	public static Optional<String> nodeName(UserInfo user) {
		if (user == null || !user.name().startsWith(USER_PREFIX) || !user.groups().contains(GROUP)) {
			return Optional.empty();
		}
		String name = user.name().substring(USER_PREFIX.length());
		return name.isEmpty() ? Optional.empty() : Optional.of(name);
	}

}
