package io.stevedore.nodeagent.serving.auth;

import java.util.Set;

/**
 * The agent's former fixed authorization ({@code authorization-mode=Groups}): a caller in
 * one of the groups may do anything, anyone else nothing, without asking the API. For a
 * cluster whose API cannot answer SubjectAccessReviews.
 */
public final class GroupAccess implements AccessReviews {

	private final Set<String> groups;

	public GroupAccess(Set<String> groups) {
		this.groups = Set.copyOf(groups);
	}

	@Override
	public boolean allowed(RequestAttributes attributes) {
		return attributes.user().groups().stream().anyMatch(this.groups::contains);
	}

}
