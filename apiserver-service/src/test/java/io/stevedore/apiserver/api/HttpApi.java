package io.stevedore.apiserver.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A tiny HTTP client for tests of the REST API: raw requests, parsed JSON answers. */
final class HttpApi {

	static final ObjectMapper JSON = new ObjectMapper();

	private final HttpClient http = HttpClient.newHttpClient();

	private final String base;

	HttpApi(int port) {
		this.base = "http://127.0.0.1:" + port;
	}

	record Answer(int code, String body, HttpResponse<String> raw) {

		JsonNode json() {
			try {
				return JSON.readTree(this.body);
			}
			catch (IOException ex) {
				throw new AssertionError("not JSON: " + this.body, ex);
			}
		}

		/** The Status reason of an error answer. */
		String reason() {
			return json().path("reason").asText();
		}

		String message() {
			return json().path("message").asText();
		}

	}

	Answer get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).GET().build());
	}

	Answer get(String path, String accept) {
		return send(HttpRequest.newBuilder(uri(path)).header("Accept", accept).GET().build());
	}

	Answer post(String path, String body) {
		return send(path, "POST", "application/json", body);
	}

	Answer put(String path, String body) {
		return send(path, "PUT", "application/json", body);
	}

	Answer patch(String path, String contentType, String body) {
		return send(path, "PATCH", contentType, body);
	}

	Answer delete(String path) {
		return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
	}

	Answer send(String path, String method, String contentType, String body) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", contentType)
			.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build());
	}

	Answer send(String path, String method, String contentType, byte[] body) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", contentType)
			.method(method, HttpRequest.BodyPublishers.ofByteArray(body))
			.build());
	}

	URI uri(String path) {
		return URI.create(this.base + path);
	}

	HttpClient client() {
		return this.http;
	}

	private Answer send(HttpRequest request) {
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.body(), response);
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
