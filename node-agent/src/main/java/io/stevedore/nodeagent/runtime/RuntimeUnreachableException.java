package io.stevedore.nodeagent.runtime;

/**
 * The engine did not answer at all (socket gone, connection refused, reset): unlike an
 * engine that answers with a refusal, this is what counts against the runtime's circuit
 * breaker and what read calls retry.
 */
public class RuntimeUnreachableException extends RuntimeUnavailableException {

	public RuntimeUnreachableException(String message, Throwable cause) {
		super(message, cause);
	}

}
