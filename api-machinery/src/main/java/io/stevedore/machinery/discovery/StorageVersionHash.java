package io.stevedore.machinery.discovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The {@code storageVersionHash} of legacy discovery, computed exactly as Kubernetes does
 * (base64 of the first 8 bytes of sha256("group/version/kind")), so clients that compare
 * it across servers (the storage version migrator) see the same value.
 */
final class StorageVersionHash {

	private StorageVersionHash() {
	}

	static String of(String group, String version, String kind) {
		try {
			byte[] sum = MessageDigest.getInstance("SHA-256")
				.digest((group + "/" + version + "/" + kind).getBytes(StandardCharsets.UTF_8));
			return Base64.getEncoder().encodeToString(Arrays.copyOf(sum, 8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every JVM", ex);
		}
	}

}
