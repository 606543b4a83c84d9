package io.stevedore.gateway.authz;

import java.util.List;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

/**
 * Whether one PolicyRule allows a request, with Kubernetes' RBAC semantics: {@code *}
 * matches any verb, group, resource or path; {@code pods/log} names a subresource and
 * {@code *}{@code /log} that subresource of every resource; an empty resourceNames list
 * allows every name; a non-resource URL ending in {@code *} is a prefix.
 */
public final class RuleMatcher {

	private static final String ALL = "*";

	private RuleMatcher() {
	}

	public static boolean allows(PolicyRule rule, RequestInfo request) {
		if (!matchesVerb(rule.getVerbs(), request.verb())) {
			return false;
		}
		if (!request.resourceRequest()) {
			return matchesNonResourceUrl(rule.getNonResourceURLs(), request.path());
		}
		return matchesGroup(rule.getApiGroups(), request.apiGroup())
				&& matchesResource(rule.getResources(), request.resource(), request.subresource())
				&& matchesName(rule.getResourceNames(), request.name());
	}

	static boolean matchesVerb(List<String> verbs, String verb) {
		return verbs != null && (verbs.contains(ALL) || verbs.contains(verb));
	}

	static boolean matchesGroup(List<String> groups, String group) {
		return groups != null && (groups.contains(ALL) || groups.contains(group));
	}

	static boolean matchesResource(List<String> resources, String resource, String subresource) {
		if (resources == null) {
			return false;
		}
		String combined = subresource.isEmpty() ? resource : resource + "/" + subresource;
		for (String rule : resources) {
			if (ALL.equals(rule) || rule.equals(combined)
					|| (!subresource.isEmpty() && rule.equals("*/" + subresource))) {
				return true;
			}
		}
		return false;
	}

	static boolean matchesName(List<String> names, String name) {
		return names == null || names.isEmpty() || names.contains(name);
	}

	static boolean matchesNonResourceUrl(List<String> urls, String path) {
		if (urls == null) {
			return false;
		}
		for (String rule : urls) {
			if (ALL.equals(rule) || rule.equals(path)
					|| (rule.endsWith(ALL) && path.startsWith(rule.substring(0, rule.length() - 1)))) {
				return true;
			}
		}
		return false;
	}

}
