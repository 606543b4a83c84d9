package io.stevedore.client.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An apiserver answer: the HTTP code and the body (an object, a list or a Status).
 */
public record ApiResponse(String method, String path, int code, String body) {

	private static final ObjectMapper MAPPER = new ObjectMapper();

	public boolean ok() {
		return this.code >= 200 && this.code < 300;
	}

	public boolean notFound() {
		return this.code == 404;
	}

	public boolean conflict() {
		return this.code == 409;
	}

	public JsonNode json() {
		try {
			return MAPPER.readTree(this.body);
		}
		catch (JsonProcessingException ex) {
			throw new ApiCallException(this.method + " " + this.path + ": the answer is not JSON: " + ex.getMessage(),
					this.code, ex);
		}
	}

	/** This answer if it succeeded, else an exception carrying the Status message. */
	public ApiResponse orThrow() {
		if (ok()) {
			return this;
		}
		String message = this.body;
		try {
			message = MAPPER.readTree(this.body).path("message").asText(this.body);
		}
		catch (JsonProcessingException ex) {
			// not a Status: keep the raw body
		}
		throw new ApiCallException(this.method + " " + this.path + " -> " + this.code + ": " + message, this.code,
				null);
	}

}
