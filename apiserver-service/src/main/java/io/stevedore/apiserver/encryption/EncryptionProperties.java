package io.stevedore.apiserver.encryption;

import java.nio.file.Path;

import io.stevedore.storage.Store;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code stevedore.encryption.*}.
 *
 * @param providerConfig an EncryptionConfiguration file, kube-apiserver's
 * {@code --encryption-provider-config}; empty: nothing is encrypted
 */
@ConfigurationProperties("stevedore.encryption")
public record EncryptionProperties(String providerConfig) {

	/**
	 * Read before the store opens, so a bad file fails the start with the store
	 * untouched.
	 */
	public StorageEncryption load() {
		return this.providerConfig == null || this.providerConfig.isBlank() ? null
				: EncryptionConfigurationFile.read(Path.of(this.providerConfig.trim()));
	}

	public static Store wrap(Store store, StorageEncryption encryption) {
		return encryption == null ? store : new EncryptingStore(store, encryption);
	}

}
