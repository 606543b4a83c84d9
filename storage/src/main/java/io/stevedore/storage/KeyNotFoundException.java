package io.stevedore.storage;

/** Thrown when the key has no value. */
public class KeyNotFoundException extends StoreException {

	public KeyNotFoundException(String message) {
		super(message);
	}

	public KeyNotFoundException(String message, Throwable cause) {
		super(message, cause);
	}

}
