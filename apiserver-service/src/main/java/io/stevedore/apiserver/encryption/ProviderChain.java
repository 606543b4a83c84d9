package io.stevedore.apiserver.encryption;

import java.util.List;

/**
 * The providers of one {@code resources} entry: the first writes, each reads what it
 * wrote (Kubernetes' prefix transformer). A value no provider reads is an error that says
 * why, never silently passed on as plaintext.
 */
final class ProviderChain implements ValueTransformer {

	private final List<Provider> providers;

	ProviderChain(List<Provider> providers) {
		if (providers.isEmpty()) {
			throw new IllegalArgumentException("a resources entry needs at least one provider");
		}
		this.providers = List.copyOf(providers);
	}

	@Override
	public byte[] toStorage(String key, byte[] plain) {
		return this.providers.get(0).encrypt(key, plain);
	}

	@Override
	public byte[] fromStorage(String key, byte[] stored) {
		for (Provider provider : this.providers) {
			if (provider.reads(stored)) {
				return provider.decrypt(key, stored);
			}
		}
		String name = AesGcmProvider.keyName(stored);
		if (name != null) {
			throw new DecryptionException(
					"stored with aesgcm key \"" + name + "\", which no provider of the encryption configuration lists");
		}
		if (AesGcmProvider.startsWith(stored, AesGcmProvider.ENCRYPTED_PREFIX)) {
			throw new DecryptionException(
					"stored by an encryption provider this apiserver does not have (only aesgcm is supported)");
		}
		throw new DecryptionException("stored unencrypted, and the encryption configuration lists no "
				+ "identity provider to read it (add {identity: {}} last while existing values are rewritten)");
	}

}
