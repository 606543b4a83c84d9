package io.stevedore.gateway.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads kube-apiserver's {@code --audit-policy-file} ({@code audit.k8s.io/v1 Policy},
 * YAML or JSON). A mistake fails the gateway's start with the field named, in Kubernetes'
 * {@code rules[2].resources[0].group} form, rather than auditing less than the operator
 * asked.
 */
public final class AuditPolicyFile {

	private AuditPolicyFile() {
	}

	public static AuditPolicy read(Path file) {
		try {
			return parse(new YAMLMapper().readTree(Files.readAllBytes(file)));
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(
					"stevedore.gateway.audit.policy-file: cannot read " + file + ": " + ex.getMessage(), ex);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("stevedore.gateway.audit.policy-file " + file + ": " + ex.getMessage(),
					ex);
		}
	}

	static AuditPolicy parse(JsonNode root) {
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException("not an audit Policy object");
		}
		if (!"Policy".equals(root.path("kind").asText())) {
			throw new IllegalArgumentException(
					"kind: Unsupported value: \"" + root.path("kind").asText() + "\": supported values: \"Policy\"");
		}
		if (!"audit.k8s.io/v1".equals(root.path("apiVersion").asText())) {
			throw new IllegalArgumentException("apiVersion: Unsupported value: \"" + root.path("apiVersion").asText()
					+ "\": supported values: \"audit.k8s.io/v1\"");
		}
		JsonNode rules = root.path("rules");
		if (!rules.isArray() || rules.isEmpty()) {
			throw new IllegalArgumentException("rules: Required value: at least one rule");
		}
		List<AuditRule> parsed = new ArrayList<>();
		for (int i = 0; i < rules.size(); i++) {
			parsed.add(rule(rules.get(i), "rules[" + i + "]"));
		}
		return new AuditPolicy(parsed, stages(root.path("omitStages"), "omitStages"),
				root.path("omitManagedFields").asBoolean(false));
	}

	private static AuditRule rule(JsonNode rule, String path) {
		if (!rule.has("level")) {
			throw new IllegalArgumentException(path + ".level: Required value");
		}
		AuditLevel level;
		try {
			level = AuditLevel.parse(rule.path("level").asText());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(path + ".level: Unsupported value: " + ex.getMessage());
		}
		List<String> nonResourceURLs = strings(rule.path("nonResourceURLs"), path + ".nonResourceURLs");
		List<AuditRule.GroupResources> resources = new ArrayList<>();
		JsonNode groups = rule.path("resources");
		for (int i = 0; i < groups.size(); i++) {
			String at = path + ".resources[" + i + "]";
			JsonNode group = groups.get(i);
			resources.add(new AuditRule.GroupResources(group.path("group").asText(""),
					strings(group.path("resources"), at + ".resources"),
					strings(group.path("resourceNames"), at + ".resourceNames")));
		}
		List<String> namespaces = strings(rule.path("namespaces"), path + ".namespaces");
		if (!nonResourceURLs.isEmpty() && (!resources.isEmpty() || !namespaces.isEmpty())) {
			throw new IllegalArgumentException(path + ".nonResourceURLs: Invalid value: rules cannot apply to both "
					+ "regular resources and non-resource URLs");
		}
		for (String url : nonResourceURLs) {
			if (!url.startsWith("/") && !url.equals("*")
					|| url.indexOf('*') >= 0 && url.indexOf('*') != url.length() - 1) {
				throw new IllegalArgumentException(path + ".nonResourceURLs: Invalid value: \"" + url
						+ "\": a path starting with /, with * only at the end");
			}
		}
		JsonNode omitManagedFields = rule.get("omitManagedFields");
		return new AuditRule(level, strings(rule.path("users"), path + ".users"),
				strings(rule.path("userGroups"), path + ".userGroups"), strings(rule.path("verbs"), path + ".verbs"),
				resources, namespaces, nonResourceURLs, stages(rule.path("omitStages"), path + ".omitStages"),
				omitManagedFields == null || omitManagedFields.isNull() ? null : omitManagedFields.asBoolean());
	}

	private static List<String> strings(JsonNode node, String path) {
		if (node.isMissingNode() || node.isNull()) {
			return List.of();
		}
		if (!node.isArray()) {
			throw new IllegalArgumentException(path + ": Invalid value: a list of strings");
		}
		List<String> values = new ArrayList<>();
		node.forEach((value) -> values.add(value.asText()));
		return List.copyOf(values);
	}

	private static Set<AuditStage> stages(JsonNode node, String path) {
		Set<AuditStage> stages = EnumSet.noneOf(AuditStage.class);
		List<String> names = strings(node, path);
		for (int i = 0; i < names.size(); i++) {
			stages.add(AuditStage.parse(names.get(i), path + "[" + i + "]"));
		}
		return stages;
	}

}
