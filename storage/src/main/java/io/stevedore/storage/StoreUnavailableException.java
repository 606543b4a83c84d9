package io.stevedore.storage;

/**
 * Thrown when the backing service (Redis, the local file) cannot be reached or written.
 */
public class StoreUnavailableException extends StoreException {

	public StoreUnavailableException(String message) {
		super(message);
	}

	public StoreUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
