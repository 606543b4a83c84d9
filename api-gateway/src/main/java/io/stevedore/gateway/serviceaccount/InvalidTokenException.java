package io.stevedore.gateway.serviceaccount;

/** A token this cluster did not issue, or no longer honours; the message says why. */
public final class InvalidTokenException extends Exception {

	public InvalidTokenException(String message) {
		super(message);
	}

}
