package io.stevedore.gateway.audit;

import java.util.List;
import java.util.Set;

import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.RequestInfo;

/**
 * One rule of an audit Policy, matched as kube-apiserver's policy checker does: every
 * non-empty list must match (users, userGroups, verbs); a rule naming namespaces or
 * resources matches resource requests only, one naming nonResourceURLs non-resource
 * requests only; an empty list matches everything.
 *
 * @param omitStages stages this rule adds to the policy's
 * @param omitManagedFields null: the policy's setting
 */
record AuditRule(AuditLevel level, List<String> users, List<String> userGroups, List<String> verbs,
		List<GroupResources> resources, List<String> namespaces, List<String> nonResourceURLs,
		Set<AuditStage> omitStages, Boolean omitManagedFields) {

	/**
	 * @param group the API group, "" for core
	 * @param resources names, {@code resource/subresource}, {@code *}, {@code *}/sub and
	 * {@code resource/*}; empty: every resource of the group
	 * @param resourceNames empty: every object
	 */
	record GroupResources(String group, List<String> resources, List<String> resourceNames) {
	}

	boolean matches(UserInfo user, RequestInfo request) {
		if (!this.users.isEmpty() && (user == null || !this.users.contains(user.name()))) {
			return false;
		}
		if (!this.userGroups.isEmpty()
				&& (user == null || user.groups().stream().noneMatch(this.userGroups::contains))) {
			return false;
		}
		if (!this.verbs.isEmpty() && !this.verbs.contains(request.verb())) {
			return false;
		}
		if (!this.namespaces.isEmpty() || !this.resources.isEmpty()) {
			return request.resourceRequest() && matchesResource(request);
		}
		if (!this.nonResourceURLs.isEmpty()) {
			return !request.resourceRequest() && matchesPath(request.path());
		}
		return true;
	}

	private boolean matchesResource(RequestInfo request) {
		if (!this.namespaces.isEmpty() && !this.namespaces.contains(request.namespace())) {
			return false;
		}
		if (this.resources.isEmpty()) {
			return true;
		}
		String combined = request.subresource().isEmpty() ? request.resource()
				: request.resource() + "/" + request.subresource();
		for (GroupResources group : this.resources) {
			if (!group.group().equals(request.apiGroup())) {
				continue;
			}
			if (group.resources().isEmpty()) {
				return true;
			}
			for (String resource : group.resources()) {
				if (matchesResourceName(resource, request, combined)
						&& (group.resourceNames().isEmpty() || group.resourceNames().contains(request.name()))) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean matchesResourceName(String pattern, RequestInfo request, String combined) {
		if (pattern.equals(combined) || pattern.equals("*")) {
			return true;
		}
		if (pattern.equals(request.resource() + "/*")) {
			return true;
		}
		return pattern.equals("*/" + request.subresource()) && !request.subresource().isEmpty();
	}

	private boolean matchesPath(String path) {
		for (String url : this.nonResourceURLs) {
			if (url.equals("*") || url.equals(path)
					|| url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1))) {
				return true;
			}
		}
		return false;
	}

}
