package io.stevedore.client.rest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

/**
 * Plain REST calls through fabric8's HTTP client (its authentication included) for what
 * the typed DSL does not express: a DELETE with a full DeleteOptions body (UID
 * preconditions and a propagation policy together), deletecollection, and merge patches
 * on any resource. Synchronous; safe for concurrent use. Shared by the controllers and
 * the event sink of every component.
 */
public class RestClient {

	public static final String MERGE_PATCH = "application/merge-patch+json";

	private static final String JSON = "application/json";

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

	private final HttpClient http;

	private final String baseUrl;

	private final long timeoutMillis;

	public RestClient(KubernetesClient client) {
		this(client, DEFAULT_TIMEOUT);
	}

	/**
	 * @param timeout how long a call waits for its answer before it fails
	 */
	public RestClient(KubernetesClient client, Duration timeout) {
		this.http = client.getHttpClient();
		this.timeoutMillis = timeout.toMillis();
		String master = client.getMasterUrl().toString();
		this.baseUrl = master.endsWith("/") ? master.substring(0, master.length() - 1) : master;
	}

	public ApiResponse get(String path) {
		return send(this.http.newHttpRequestBuilder().uri(this.baseUrl + path).build(), "GET", path);
	}

	public ApiResponse delete(String path, String deleteOptions) {
		return send(this.http.newHttpRequestBuilder()
			.uri(this.baseUrl + path)
			.method("DELETE", JSON, deleteOptions == null ? "" : deleteOptions)
			.build(), "DELETE", path);
	}

	/**
	 * DELETE of the object at {@code path} only if it still has {@code uid} (so one made
	 * again under the same name is never taken for it); gone or replaced (404, 409) is
	 * done, any other failure throws.
	 */
	public void deleteIfSame(String path, String uid) {
		ApiResponse response = delete(path,
				"{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":{\"uid\":\"" + uid + "\"}}");
		if (response.notFound() || response.conflict()) {
			return;
		}
		response.orThrow();
	}

	public ApiResponse patch(String path, String contentType, String body) {
		return send(
				this.http.newHttpRequestBuilder().uri(this.baseUrl + path).method("PATCH", contentType, body).build(),
				"PATCH", path);
	}

	public ApiResponse put(String path, String body) {
		return send(this.http.newHttpRequestBuilder().uri(this.baseUrl + path).put(JSON, body).build(), "PUT", path);
	}

	private ApiResponse send(HttpRequest request, String method, String path) {
		try {
			HttpResponse<String> response = this.http.sendAsync(request, String.class)
				.get(this.timeoutMillis, TimeUnit.MILLISECONDS);
			return new ApiResponse(method, path, response.code(), response.body() == null ? "" : response.body());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ApiCallException(method + " " + path + " interrupted", 0, ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new ApiCallException(method + " " + path + " failed: " + ex.getMessage(), 0, ex);
		}
	}

	/** A name as one path segment. */
	public static String segment(String name) {
		return URLEncoder.encode(name, StandardCharsets.UTF_8);
	}

}
