package io.stevedore.storage;

/** Thrown when the requested revision is older than the compacted revision. */
public class CompactedException extends StoreException {

	public CompactedException(String message) {
		super(message);
	}

	public CompactedException(String message, Throwable cause) {
		super(message, cause);
	}

}
