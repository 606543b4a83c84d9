package io.stevedore.apiserver.encryption;

/**
 * Kubernetes' {@code identity} provider: no encryption. Listed first it writes plaintext
 * (encryption off); listed last it reads the values written before encryption was turned
 * on. It reads every value no {@code k8s:enc:} provider wrote.
 */
final class IdentityProvider implements Provider {

	@Override
	public boolean reads(byte[] stored) {
		return !AesGcmProvider.startsWith(stored, AesGcmProvider.ENCRYPTED_PREFIX);
	}

	@Override
	public byte[] encrypt(String key, byte[] plain) {
		return plain;
	}

	@Override
	public byte[] decrypt(String key, byte[] stored) {
		return stored;
	}

}
