package io.stevedore.client.rest;

/** A call to the apiserver failed; the code is 0 when no answer came back. */
public class ApiCallException extends RuntimeException {

	private final int code;

	public ApiCallException(String message, int code, Throwable cause) {
		super(message, cause);
		this.code = code;
	}

	public int code() {
		return this.code;
	}

}
