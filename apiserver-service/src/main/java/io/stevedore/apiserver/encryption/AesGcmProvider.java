package io.stevedore.apiserver.encryption;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Kubernetes' {@code aesgcm} provider: {@code k8s:enc:aesgcm:v1:<keyname>:} then a random
 * 12-byte nonce, then the AES-GCM ciphertext with its 16-byte tag, the store key as
 * additional authenticated data (kube-apiserver's layout). The first key encrypts; every
 * key decrypts what it wrote, which is what makes rotation possible.
 *
 * <p>
 * Random nonces are safe for about 2^32 writes per key (NIST SP 800-38D): rotate keys
 * long before, as Kubernetes' documentation says for aesgcm.
 */
final class AesGcmProvider implements Provider {

	static final String ENCRYPTED_PREFIX = "k8s:enc:";

	static final String PREFIX = ENCRYPTED_PREFIX + "aesgcm:v1:";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private final Map<String, SecretKey> keys;

	private final String writeKeyName;

	private final byte[] writePrefix;

	private final SecureRandom random;

	/** {@code keys} in configuration order: the first one encrypts. */
	AesGcmProvider(Map<String, SecretKey> keys, SecureRandom random) {
		if (keys.isEmpty()) {
			throw new IllegalArgumentException("an aesgcm provider needs at least one key");
		}
		this.keys = new LinkedHashMap<>(keys);
		this.writeKeyName = keys.keySet().iterator().next();
		this.writePrefix = (PREFIX + this.writeKeyName + ":").getBytes(StandardCharsets.UTF_8);
		this.random = random;
	}

	@Override
	public boolean reads(byte[] stored) {
		String name = keyName(stored);
		return name != null && this.keys.containsKey(name);
	}

	@Override
	public byte[] encrypt(String key, byte[] plain) {
		byte[] nonce = new byte[NONCE_BYTES];
		this.random.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.keys.get(this.writeKeyName), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(key.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plain);
			byte[] out = new byte[this.writePrefix.length + NONCE_BYTES + sealed.length];
			System.arraycopy(this.writePrefix, 0, out, 0, this.writePrefix.length);
			System.arraycopy(nonce, 0, out, this.writePrefix.length, NONCE_BYTES);
			System.arraycopy(sealed, 0, out, this.writePrefix.length + NONCE_BYTES, sealed.length);
			return out;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("aesgcm encryption of " + key + " failed: " + ex.getMessage(), ex);
		}
	}

	@Override
	public byte[] decrypt(String key, byte[] stored) {
		String name = keyName(stored);
		SecretKey secret = name == null ? null : this.keys.get(name);
		if (secret == null) {
			throw new DecryptionException("no aesgcm key named \"" + name + "\"");
		}
		int start = (PREFIX + name + ":").getBytes(StandardCharsets.UTF_8).length;
		if (stored.length < start + NONCE_BYTES + TAG_BITS / 8) {
			throw new DecryptionException("the aesgcm value is too short to hold a nonce and a tag");
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, secret,
					new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(stored, start, start + NONCE_BYTES)));
			cipher.updateAAD(key.getBytes(StandardCharsets.UTF_8));
			return cipher.doFinal(stored, start + NONCE_BYTES, stored.length - start - NONCE_BYTES);
		}
		catch (AEADBadTagException ex) {
			throw new DecryptionException("aesgcm key \"" + name
					+ "\" does not authenticate the stored value (it was altered, or written under another key)", ex);
		}
		catch (GeneralSecurityException ex) {
			throw new DecryptionException("aesgcm decryption failed: " + ex.getMessage(), ex);
		}
	}

	/** The key name of an aesgcm value, or null when {@code stored} is not one. */
	static String keyName(byte[] stored) {
		byte[] prefix = PREFIX.getBytes(StandardCharsets.UTF_8);
		if (!startsWith(stored, PREFIX)) {
			return null;
		}
		for (int i = prefix.length; i < stored.length && i < prefix.length + 256; i++) {
			if (stored[i] == ':') {
				return new String(stored, prefix.length, i - prefix.length, StandardCharsets.UTF_8);
			}
		}
		return null;
	}

	static boolean startsWith(byte[] value, String prefix) {
		byte[] bytes = prefix.getBytes(StandardCharsets.US_ASCII);
		return value.length >= bytes.length && Arrays.equals(value, 0, bytes.length, bytes, 0, bytes.length);
	}

}
