package io.stevedore.apiserver.encryption;

import java.nio.file.Path;

import io.stevedore.storage.Store;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code stevedore.encryption.*}.
 *
 * @param providerConfig an EncryptionConfiguration file, kube-apiserver's
 * {@code --encryption-provider-config}; empty: nothing is encrypted
 * @param generateIfMissing write that file with a fresh AES-GCM key when it does not
 * exist (containers starting from an empty volume); keep the file: without its key the
 * encrypted secrets cannot be read
 */
@ConfigurationProperties("stevedore.encryption")
public record EncryptionProperties(String providerConfig, boolean generateIfMissing) {

	/**
	 * Read before the store opens, so a bad file fails the start with the store
	 * untouched.
	 */
	public StorageEncryption load() {
		if (this.providerConfig == null || this.providerConfig.isBlank()) {
			return null;
		}
		Path file = Path.of(this.providerConfig.trim());
		if (this.generateIfMissing) {
			GeneratedEncryptionConfiguration.writeIfMissing(file);
		}
		return EncryptionConfigurationFile.read(file);
	}

	public static Store wrap(Store store, StorageEncryption encryption) {
		return encryption == null ? store : new EncryptingStore(store, encryption);
	}

}
