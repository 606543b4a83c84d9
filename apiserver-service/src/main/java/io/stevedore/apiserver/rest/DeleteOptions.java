package io.stevedore.apiserver.rest;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.machinery.errors.ApiException;

/**
 * metav1.DeleteOptions from the query and, as kubectl sends them, the request body.
 *
 * @param gracePeriodSeconds {@code null}: the object's default
 * @param propagationPolicy Orphan, Background or Foreground; {@code null}: Background
 */
public record DeleteOptions(Long gracePeriodSeconds, String propagationPolicy, String preconditionUid,
		String preconditionResourceVersion, boolean dryRun) {

	public static DeleteOptions from(Map<String, String> query, JsonNode body) {
		JsonNode b = body == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : body;
		Long grace = null;
		String graceText = query.get("gracePeriodSeconds");
		if (graceText != null && !graceText.isEmpty()) {
			try {
				grace = Long.parseLong(graceText);
			}
			catch (NumberFormatException ex) {
				throw ApiException.badRequest("gracePeriodSeconds: Invalid value: \"" + graceText + "\"");
			}
		}
		else if (b.path("gracePeriodSeconds").isIntegralNumber()) {
			grace = b.path("gracePeriodSeconds").asLong();
		}
		String policy = query.getOrDefault("propagationPolicy", b.path("propagationPolicy").asText(""));
		if (policy.isEmpty()) {
			String orphan = query.getOrDefault("orphanDependents", b.path("orphanDependents").asText(""));
			policy = orphan.equals("true") ? "Orphan" : (orphan.equals("false") ? "Background" : "");
		}
		if (!policy.isEmpty() && !policy.equals("Orphan") && !policy.equals("Background")
				&& !policy.equals("Foreground")) {
			throw ApiException.badRequest("propagationPolicy: Unsupported value: \"" + policy
					+ "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
		}
		String dryRun = query.getOrDefault("dryRun",
				b.path("dryRun").isArray() && !b.path("dryRun").isEmpty() ? b.path("dryRun").get(0).asText() : "");
		if (!dryRun.isEmpty() && !dryRun.equals("All")) {
			throw ApiException.badRequest("dryRun: Unsupported value: \"" + dryRun + "\": supported values: \"All\"");
		}
		JsonNode preconditions = b.path("preconditions");
		return new DeleteOptions(grace, policy.isEmpty() ? null : policy, preconditions.path("uid").asText(null),
				preconditions.path("resourceVersion").asText(null), !dryRun.isEmpty());
	}

}
