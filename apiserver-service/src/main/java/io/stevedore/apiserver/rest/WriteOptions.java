package io.stevedore.apiserver.rest;

import java.util.Map;

import io.stevedore.machinery.errors.ApiException;

/**
 * The query parameters of create, update and patch (metav1.CreateOptions and friends).
 *
 * @param fieldManager the manager recorded in managedFields
 * @param fieldValidation Strict, Warn (the default) or Ignore
 */
public record WriteOptions(boolean dryRun, String fieldManager, String fieldValidation, boolean force) {

	public static WriteOptions from(Map<String, String> query, String userAgent) {
		String dryRun = query.getOrDefault("dryRun", "");
		if (!dryRun.isEmpty() && !dryRun.equals("All")) {
			throw ApiException.badRequest("dryRun: Unsupported value: \"" + dryRun + "\": supported values: \"All\"");
		}
		String validation = query.getOrDefault("fieldValidation", "");
		if (validation.isEmpty()) {
			validation = "Warn";
		}
		if (!validation.equals("Strict") && !validation.equals("Warn") && !validation.equals("Ignore")) {
			throw ApiException.badRequest("fieldValidation: Unsupported value: \"" + validation
					+ "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
		}
		String manager = query.getOrDefault("fieldManager", "");
		if (manager.length() > 128) {
			throw ApiException.badRequest("fieldManager: Too long: must have at most 128 bytes");
		}
		if (manager.isEmpty()) {
			manager = defaultManager(userAgent);
		}
		return new WriteOptions(!dryRun.isEmpty(), manager, validation, ListOptions.isTrue(query.get("force")));
	}

	/** As Kubernetes: the user agent up to its first slash, e.g. "kubectl". */
	static String defaultManager(String userAgent) {
		if (userAgent == null || userAgent.isBlank()) {
			return "unknown";
		}
		int slash = userAgent.indexOf('/');
		String manager = slash < 0 ? userAgent : userAgent.substring(0, slash);
		return manager.length() > 128 ? manager.substring(0, 128) : manager;
	}

}
