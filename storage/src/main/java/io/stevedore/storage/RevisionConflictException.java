package io.stevedore.storage;

/** Thrown when the key's modRevision is not the expected one. */
public class RevisionConflictException extends StoreException {

	public RevisionConflictException(String message) {
		super(message);
	}

	public RevisionConflictException(String message, Throwable cause) {
		super(message, cause);
	}

}
