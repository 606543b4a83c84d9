package io.stevedore.storage;

/** The root of the store's failures; the apiserver maps each to a Kubernetes Status. */
public class StoreException extends RuntimeException {

	public StoreException(String message) {
		super(message);
	}

	public StoreException(String message, Throwable cause) {
		super(message, cause);
	}

}
