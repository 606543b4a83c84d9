package io.stevedore.apiserver.encryption;

import java.security.SecureRandom;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import static io.stevedore.apiserver.encryption.EncryptingStoreTest.aesgcm;
import static io.stevedore.apiserver.encryption.EncryptingStoreTest.config;
import static io.stevedore.apiserver.encryption.EncryptingStoreTest.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncryptionConfigurationFileTest {

	@Test
	void resourceNamesMapToTheirStoreKeyPrefixes() {
		assertThat(EncryptionConfigurationFile.keyPrefix("secrets", "r")).isEqualTo("/registry/core/secrets/");
		assertThat(EncryptionConfigurationFile.keyPrefix("deployments.apps", "r"))
			.isEqualTo("/registry/apps/deployments/");
		assertThat(EncryptionConfigurationFile.keyPrefix("*.apps", "r")).isEqualTo("/registry/apps/");
		assertThat(EncryptionConfigurationFile.keyPrefix("*.", "r")).isEqualTo("/registry/core/");
		assertThat(EncryptionConfigurationFile.keyPrefix("*.*", "r")).isEqualTo("/registry/");
	}

	@Test
	void aKeyOfTheWrongLengthIsRefusedNamingTheFieldWithoutEchoingTheSecret() {
		String shortKey = java.util.Base64.getEncoder().encodeToString(new byte[8]);
		assertThatThrownBy(() -> config(aesgcm("k", shortKey)))
			.hasMessageContaining("resources[0].providers[0].aesgcm.keys[0].secret")
			.hasMessageContaining("got 8, expected one of [16 24 32]")
			.hasMessageNotContaining(shortKey);
	}

	@Test
	void anUnsupportedProviderIsRefusedRatherThanStoringPlaintext() {
		assertThatThrownBy(() -> config("- secretbox:\n    keys: []\n"))
			.hasMessageContaining("resources[0].providers[0].secretbox: Unsupported value");
	}

	@Test
	void duplicateKeyNamesAndAWrongKindAreRefused() throws Exception {
		assertThatThrownBy(() -> config(aesgcm("k", key(1), "k", key(2))))
			.hasMessageContaining("keys[1].name: Duplicate value");
		assertThatThrownBy(() -> EncryptionConfigurationFile
			.parse(new YAMLMapper().readTree("kind: Config\napiVersion: v1\n"), new SecureRandom()))
			.hasMessageContaining("kind: Unsupported value");
	}

	@Test
	void theFirstMatchingResourcesEntryDecides() throws Exception {
		StorageEncryption encryption = EncryptionConfigurationFile.parse(new YAMLMapper().readTree("""
				apiVersion: apiserver.config.k8s.io/v1
				kind: EncryptionConfiguration
				resources:
				- resources: [configmaps]
				  providers: [{identity: {}}]
				- resources: ["*.*"]
				  providers: [{aesgcm: {keys: [{name: k, secret: "%s"}]}}]
				""".formatted(key(3))), new SecureRandom());
		assertThat(encryption.forKey("/registry/core/configmaps/a/b").toStorage("x", new byte[] { 1 }))
			.containsExactly(1);
		assertThat(encryption.forKey("/registry/apps/deployments/a/b").toStorage("x", new byte[] { 1 }))
			.hasSizeGreaterThan(20);
	}

}
