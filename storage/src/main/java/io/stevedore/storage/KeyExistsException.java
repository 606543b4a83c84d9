package io.stevedore.storage;

/** Thrown when the key already has a value. */
public class KeyExistsException extends StoreException {

	public KeyExistsException(String message) {
		super(message);
	}

	public KeyExistsException(String message, Throwable cause) {
		super(message, cause);
	}

}
