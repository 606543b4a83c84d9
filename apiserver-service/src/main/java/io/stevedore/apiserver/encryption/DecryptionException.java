package io.stevedore.apiserver.encryption;

/**
 * A stored value could not be decrypted. The message names the store key and the reason;
 * it never contains the value.
 */
public class DecryptionException extends RuntimeException {

	public DecryptionException(String message) {
		super(message);
	}

	public DecryptionException(String message, Throwable cause) {
		super(message, cause);
	}

}
