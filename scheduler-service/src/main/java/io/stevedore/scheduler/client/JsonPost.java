package io.stevedore.scheduler.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

/**
 * The scheduler's two writes per placed pod, the binding and the Scheduled Event, as
 * plain JSON POSTs through the client's HTTP client (same credentials as every other
 * call). fabric8's typed calls built each body through its builders and bean serializer
 * and decoded every answer into a model object nobody read; here the body is written
 * field by field and the answer kept as text for an error message only.
 *
 * <p>
 * The generator's buffers come from a pool shared by all threads: the writes run on
 * virtual threads, each new, and Jackson's default per-thread buffers were allocated
 * afresh for every request.
 */
public final class JsonPost {

	private static final JsonFactory JSON = JsonFactory.builder()
		.recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
		.build();

	private final KubernetesClient client;

	private final String apiserver;

	public JsonPost(KubernetesClient client) {
		this.client = client;
		String url = client.getMasterUrl().toString();
		this.apiserver = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	/** Writes one JSON object's fields. */
	@FunctionalInterface
	public interface Body {

		void write(JsonGenerator json) throws IOException;

	}

	/** The answer's status code and text. */
	public record Answer(int code, String body) {

		public boolean isSuccessful() {
			return this.code >= 200 && this.code < 300;
		}

	}

	/**
	 * POSTs the object {@code body} writes to {@code path} (from {@code /api/...}) and
	 * waits at most {@code timeoutSeconds} for the answer.
	 */
	public Answer post(String path, Body body, long timeoutSeconds)
			throws InterruptedException, ExecutionException, TimeoutException {
		HttpRequest request = this.client.getHttpClient()
			.newHttpRequestBuilder()
			.uri(this.apiserver + path)
			.post("application/json", json(body))
			.timeout(timeoutSeconds, TimeUnit.SECONDS)
			.build();
		HttpResponse<String> response = this.client.getHttpClient()
			.sendAsync(request, String.class)
			.get(timeoutSeconds, TimeUnit.SECONDS);
		return new Answer(response.code(), response.isSuccessful() ? "" : response.body());
	}

	/** The JSON object {@code body} writes, as UTF-8. */
	public static byte[] json(Body body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(512);
		try (JsonGenerator json = JSON.createGenerator(out)) {
			json.writeStartObject();
			body.write(json);
			json.writeEndObject();
		}
		catch (IOException ex) {
			// Only a ByteArrayOutputStream below it: cannot fail on I/O.
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/** A name as one path segment. */
	public static String segment(String name) {
		return URLEncoder.encode(name, StandardCharsets.UTF_8);
	}

}
