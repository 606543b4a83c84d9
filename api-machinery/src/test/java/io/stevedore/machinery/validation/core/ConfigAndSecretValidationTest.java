package io.stevedore.machinery.validation.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.stevedore.machinery.validation.Manifests;
import org.junit.jupiter.api.Test;

class ConfigAndSecretValidationTest {

	private static ConfigMap configMap(Map<String, String> data, Boolean immutable) {
		return new ConfigMapBuilder().withNewMetadata()
			.withName("settings")
			.withNamespace("default")
			.endMetadata()
			.withData(data)
			.withImmutable(immutable)
			.build();
	}

	private static Secret secret(String type, Map<String, String> data) {
		Secret s = new SecretBuilder().withNewMetadata()
			.withName("creds")
			.withNamespace("default")
			.endMetadata()
			.withType(type)
			.withData(data)
			.build();
		return s;
	}

	private static String b64(String s) {
		return Base64.getEncoder().encodeToString(s.getBytes());
	}

	@Test
	void configMapKeysAreFileNameSafe() {
		assertThat(Manifests.createErrors(configMap(Map.of("app.properties", "a=b", "bad/key", "x"), null)))
			.containsExactly(
					"data[bad/key]: Invalid value: \"bad/key\": a valid config key must consist of alphanumeric "
							+ "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for "
							+ "validation is '[-._a-zA-Z0-9]+')");
	}

	@Test
	void configMapsHoldAtMostOneMebibyte() {
		assertThat(Manifests.createErrors(configMap(Map.of("big", "x".repeat(1024 * 1024 + 1)), null)))
			.containsExactly(": Too long: must have at most 1048576 bytes");
	}

	@Test
	void anImmutableConfigMapKeepsItsData() {
		ConfigMap old = configMap(Map.of("a", "1"), true);
		assertThat(Manifests.updateErrors(configMap(Map.of("a", "2"), true), old))
			.containsExactly("data: Forbidden: field is immutable when `immutable` is set");
		assertThat(Manifests.updateErrors(configMap(Map.of("a", "1"), false), old))
			.containsExactly("immutable: Forbidden: field is immutable when `immutable` is set");
		assertThat(Manifests.updateErrors(configMap(Map.of("a", "2"), null), configMap(Map.of("a", "1"), null)))
			.isEmpty();
	}

	@Test
	void aTlsSecretNeedsCertificateAndKey() {
		assertThat(Manifests.createErrors(secret("kubernetes.io/tls", Map.of("tls.crt", b64("cert")))))
			.containsExactly("data[tls.key]: Required value");
	}

	@Test
	void aDockerConfigSecretHoldsJson() {
		assertThat(Manifests
			.createErrors(secret("kubernetes.io/dockerconfigjson", Map.of(".dockerconfigjson", b64("{\"auths\":{}}")))))
			.isEmpty();
		assertThat(Manifests
			.createErrors(secret("kubernetes.io/dockerconfigjson", Map.of(".dockerconfigjson", b64("{nope")))))
			.containsExactly(
					"data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character in JSON");
	}

	@Test
	void aServiceAccountTokenSecretNamesItsAccount() {
		assertThat(Manifests.createErrors(secret("kubernetes.io/service-account-token", Map.of())))
			.containsExactly("metadata.annotations[kubernetes.io/service-account.name]: Required value");
	}

	@Test
	void secretsHoldAtMostOneMebibyteDecoded() {
		String big = Base64.getEncoder().encodeToString(new byte[1024 * 1024 + 1]);
		assertThat(Manifests.createErrors(secret("Opaque", Map.of("blob", big))))
			.containsExactly("data: Too long: must have at most 1048576 bytes");
	}

	@Test
	void aSecretTypeNeverChanges() {
		assertThat(Manifests.updateErrors(secret("kubernetes.io/basic-auth", Map.of("username", b64("u"))),
				secret("Opaque", Map.of("username", b64("u")))))
			.containsExactly("type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable");
	}

}
