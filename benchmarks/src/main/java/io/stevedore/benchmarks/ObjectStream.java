package io.stevedore.benchmarks;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every added or modified object of a collection, as it arrives: a list, then a watch
 * from the list's resourceVersion, listed again whenever the stream ends. The consumer
 * gets each object with the nanoTime it arrived at.
 * <p>
 * Threading: one daemon reader thread; the consumer runs on it.
 */
final class ObjectStream {

	private static final ObjectMapper JSON = new ObjectMapper();

	/** An object and when this JVM read it. */
	record Arrival(JsonNode object, long nanos) {
	}

	private ObjectStream() {
	}

	/**
	 * @param collection e.g. {@code http://127.0.0.1:8080/api/v1/pods?labelSelector=x}
	 */
	static void start(String name, String collection, Consumer<Arrival> consumer) {
		HttpClient http = HttpClient.newHttpClient();
		String separator = collection.contains("?") ? "&" : "?";
		Thread.ofPlatform().daemon().name(name).start(() -> {
			while (true) {
				try {
					HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(collection)).build(),
							HttpResponse.BodyHandlers.ofString());
					JsonNode listed = JSON.readTree(list.body());
					for (JsonNode item : listed.path("items")) {
						consumer.accept(new Arrival(item, System.nanoTime()));
					}
					String version = listed.path("metadata").path("resourceVersion").asText();
					HttpResponse<InputStream> watch = http.send(HttpRequest
						.newBuilder(URI.create(collection + separator + "watch=true&resourceVersion=" + version))
						.build(), HttpResponse.BodyHandlers.ofInputStream());
					try (BufferedReader reader = new BufferedReader(
							new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
						String line;
						while ((line = reader.readLine()) != null) {
							long now = System.nanoTime();
							JsonNode event = JSON.readTree(line);
							String type = event.path("type").asText();
							if (type.equals("ERROR")) {
								break;
							}
							if (type.equals("ADDED") || type.equals("MODIFIED")) {
								consumer.accept(new Arrival(event.path("object"), now));
							}
						}
					}
				}
				catch (Exception ex) {
					System.err.println(name + ": " + ex + ", listing again");
					try {
						Thread.sleep(1000);
					}
					catch (InterruptedException interrupted) {
						return;
					}
				}
			}
		});
	}

}
