package io.stevedore.nodeagent.runtime;

/** The engine could not be reached or failed an operation that should have worked. */
public class RuntimeUnavailableException extends RuntimeException {

	public RuntimeUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
