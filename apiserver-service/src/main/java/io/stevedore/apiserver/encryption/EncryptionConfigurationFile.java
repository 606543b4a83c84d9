package io.stevedore.apiserver.encryption;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads kube-apiserver's {@code --encryption-provider-config} file ({@code
 * apiserver.config.k8s.io/v1 EncryptionConfiguration}, YAML or JSON) into a
 * {@link StorageEncryption}. Only the {@code aesgcm} and {@code identity} providers exist
 * here; any other is refused at start rather than silently storing plaintext. Every error
 * names the field, in Kubernetes' {@code resources[0].providers[1]...} form.
 *
 * <pre>
 * apiVersion: apiserver.config.k8s.io/v1
 * kind: EncryptionConfiguration
 * resources:
 * - resources: [secrets]
 *   providers:
 *   - aesgcm:
 *       keys:
 *       - name: key1
 *         secret: &lt;base64 of 16, 24 or 32 random bytes&gt;
 *   - identity: {}
 * </pre>
 */
public final class EncryptionConfigurationFile {

	private EncryptionConfigurationFile() {
	}

	public static StorageEncryption read(Path file) {
		JsonNode root;
		try {
			root = new YAMLMapper().readTree(Files.readAllBytes(file));
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("encryption provider config " + file + ": " + ex.getMessage(), ex);
		}
		try {
			return parse(root, new SecureRandom());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("encryption provider config " + file + ": " + ex.getMessage(), ex);
		}
	}

	static StorageEncryption parse(JsonNode root, SecureRandom random) {
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException("not an EncryptionConfiguration object");
		}
		expect(root, "kind", "EncryptionConfiguration");
		expect(root, "apiVersion", "apiserver.config.k8s.io/v1");
		JsonNode resources = root.path("resources");
		if (!resources.isArray() || resources.isEmpty()) {
			throw new IllegalArgumentException("resources: Required value: at least one resources entry");
		}
		List<StorageEncryption.Rule> rules = new ArrayList<>();
		for (int i = 0; i < resources.size(); i++) {
			String path = "resources[" + i + "]";
			JsonNode entry = resources.get(i);
			JsonNode names = entry.path("resources");
			if (!names.isArray() || names.isEmpty()) {
				throw new IllegalArgumentException(path + ".resources: Required value: at least one resource");
			}
			ProviderChain chain = providers(entry.path("providers"), path + ".providers", random);
			for (int j = 0; j < names.size(); j++) {
				rules.add(new StorageEncryption.Rule(keyPrefix(names.get(j).asText(), path + ".resources[" + j + "]"),
						chain));
			}
		}
		return new StorageEncryption(rules);
	}

	private static void expect(JsonNode root, String field, String value) {
		if (!value.equals(root.path(field).asText())) {
			throw new IllegalArgumentException(field + ": Unsupported value: \"" + root.path(field).asText()
					+ "\": supported values: \"" + value + "\"");
		}
	}

	/**
	 * Where a resource's objects live in the store: {@code secrets} is core's,
	 * {@code deployments.apps} a group's, {@code *.apps} every resource of a group,
	 * {@code *.} every core resource and {@code *.*} everything, as Kubernetes spells
	 * them.
	 */
	static String keyPrefix(String resource, String path) {
		if (resource.isBlank() || !resource.equals(resource.toLowerCase(java.util.Locale.ROOT))
				|| resource.contains("/")) {
			throw new IllegalArgumentException(path + ": Invalid value: \"" + resource
					+ "\": a lowercase resource, resource.group, *.group, *. or *.*");
		}
		if (resource.equals("*.*")) {
			return "/registry/";
		}
		int dot = resource.indexOf('.');
		String plural = dot < 0 ? resource : resource.substring(0, dot);
		String group = dot < 0 ? "" : resource.substring(dot + 1);
		if (group.equals("*") || plural.equals("*") && dot < 0) {
			throw new IllegalArgumentException(path + ": Invalid value: \"" + resource
					+ "\": use *.* for every resource, *.group for a group's, *. for core's");
		}
		String root = "/registry/" + (group.isEmpty() ? "core" : group) + "/";
		return plural.equals("*") ? root : root + plural + "/";
	}

	private static ProviderChain providers(JsonNode providers, String path, SecureRandom random) {
		if (!providers.isArray() || providers.isEmpty()) {
			throw new IllegalArgumentException(path + ": Required value: at least one provider");
		}
		List<Provider> chain = new ArrayList<>();
		for (int i = 0; i < providers.size(); i++) {
			String at = path + "[" + i + "]";
			JsonNode provider = providers.get(i);
			List<String> kinds = new ArrayList<>();
			provider.fieldNames().forEachRemaining(kinds::add);
			if (kinds.size() != 1) {
				throw new IllegalArgumentException(
						at + ": Invalid value: exactly one provider must be set, found " + kinds);
			}
			switch (kinds.get(0)) {
				case "identity" -> chain.add(new IdentityProvider());
				case "aesgcm" -> chain
					.add(new AesGcmProvider(keys(provider.get("aesgcm").path("keys"), at + ".aesgcm.keys"), random));
				default -> throw new IllegalArgumentException(at + "." + kinds.get(0) + ": Unsupported value: "
						+ "this apiserver implements the aesgcm and identity providers only");
			}
		}
		return new ProviderChain(chain);
	}

	private static Map<String, SecretKey> keys(JsonNode keys, String path) {
		if (!keys.isArray() || keys.isEmpty()) {
			throw new IllegalArgumentException(path + ": Required value: at least one key");
		}
		Map<String, SecretKey> result = new LinkedHashMap<>();
		for (int i = 0; i < keys.size(); i++) {
			String at = path + "[" + i + "]";
			String name = keys.get(i).path("name").asText("");
			if (name.isEmpty() || name.contains(":")) {
				throw new IllegalArgumentException(
						at + ".name: Invalid value: \"" + name + "\": a non-empty name without ':'");
			}
			if (result.containsKey(name)) {
				throw new IllegalArgumentException(at + ".name: Duplicate value: \"" + name + "\"");
			}
			byte[] secret;
			try {
				secret = Base64.getDecoder().decode(keys.get(i).path("secret").asText(""));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(at + ".secret: Invalid value: REDACTED: not base64");
			}
			if (secret.length != 16 && secret.length != 24 && secret.length != 32) {
				throw new IllegalArgumentException(at + ".secret: Invalid value: REDACTED: secret is not of the "
						+ "expected length, got " + secret.length + ", expected one of [16 24 32]");
			}
			result.put(name, new SecretKeySpec(secret, "AES"));
		}
		return result;
	}

}
