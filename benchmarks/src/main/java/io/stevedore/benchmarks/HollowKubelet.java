package io.stevedore.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The kubelet of every simulated node at once, as kubemark's hollow kubelet: a pod bound
 * to a node becomes Running and Ready through pods/status; a terminating pod is removed
 * (a DELETE with grace 0, as a kubelet does once the containers stopped).
 * <p>
 * A reflector, not a bare watch: it lists, then watches from the list's resourceVersion,
 * and lists again whenever the stream ends (the apiserver closes watches after 30-60 min
 * and drops a watcher that falls 100,000 events behind). A status write that meets a
 * conflict reads the pod again and retries, so no pod is left Pending for good because
 * another writer touched it first.
 * <p>
 * Threading: one reader thread; writes run on a small pool of daemon threads so the
 * benchmark's JVM can exit.
 */
final class HollowKubelet {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final HttpClient http = HttpClient.newHttpClient();

	private final String api;

	private final ExecutorService writers = Executors.newFixedThreadPool(8, Thread.ofPlatform().daemon().factory());

	/** uids of pods already made Running (or being made so). */
	private final Set<String> started = ConcurrentHashMap.newKeySet();

	/** uids of pods whose removal was sent. */
	private final Set<String> removed = ConcurrentHashMap.newKeySet();

	final AtomicLong statusWrites = new AtomicLong();

	final AtomicLong deletes = new AtomicLong();

	final AtomicLong conflicts = new AtomicLong();

	final AtomicLong errors = new AtomicLong();

	final AtomicLong relists = new AtomicLong();

	private HollowKubelet(String api) {
		this.api = api;
	}

	static HollowKubelet start(String api) {
		HollowKubelet kubelet = new HollowKubelet(api);
		Thread.ofPlatform().daemon().name("hollow-kubelet").start(kubelet::run);
		return kubelet;
	}

	String counters() {
		return String.format("kubelet: running=%d deleted=%d conflicts=%d errors=%d relists=%d",
				this.statusWrites.get(), this.deletes.get(), this.conflicts.get(), this.errors.get(),
				this.relists.get());
	}

	private void run() {
		while (!Thread.currentThread().isInterrupted()) {
			try {
				JsonNode list = JSON.readTree(send("GET", this.api + "/api/v1/pods", null).body());
				this.relists.incrementAndGet();
				for (JsonNode pod : list.path("items")) {
					handle(pod);
				}
				watch(list.path("metadata").path("resourceVersion").asText());
			}
			catch (Exception ex) {
				this.errors.incrementAndGet();
				System.err.println("hollow kubelet: " + ex + ", listing again");
				try {
					Thread.sleep(1000);
				}
				catch (InterruptedException interrupted) {
					return;
				}
			}
		}
	}

	/** Returns when the stream ends or reports an error (e.g. 410 Gone). */
	private void watch(String resourceVersion) throws Exception {
		HttpResponse<InputStream> response = this.http.send(HttpRequest
			.newBuilder(URI.create(
					this.api + "/api/v1/pods?watch=true&allowWatchBookmarks=true&resourceVersion=" + resourceVersion))
			.build(), HttpResponse.BodyHandlers.ofInputStream());
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				JsonNode event = JSON.readTree(line);
				String type = event.path("type").asText();
				if (type.equals("ERROR")) {
					return;
				}
				if (type.equals("ADDED") || type.equals("MODIFIED")) {
					handle(event.path("object"));
				}
			}
		}
	}

	private void handle(JsonNode pod) {
		JsonNode meta = pod.path("metadata");
		String uid = meta.path("uid").asText();
		String url = this.api + "/api/v1/namespaces/" + meta.path("namespace").asText() + "/pods/"
				+ meta.path("name").asText();
		if (!meta.path("deletionTimestamp").isMissingNode()) {
			if (this.removed.add(uid)) {
				this.writers.execute(() -> remove(url, uid));
			}
		}
		else if (!pod.path("spec").path("nodeName").asText().isEmpty() && !isRunning(pod) && this.started.add(uid)) {
			this.writers.execute(() -> markRunning(url, uid, (ObjectNode) pod));
		}
	}

	private void remove(String url, String uid) {
		try {
			// The uid precondition: never remove a new pod that took the same name.
			ObjectNode options = JSON.createObjectNode();
			options.put("apiVersion", "v1").put("kind", "DeleteOptions").put("gracePeriodSeconds", 0);
			options.putObject("preconditions").put("uid", uid);
			HttpResponse<String> response = send("DELETE", url, options);
			for (int attempt = 0; retriable(response.statusCode()) && attempt < 8; attempt++) {
				Thread.sleep(200L << attempt);
				response = send("DELETE", url, options);
			}
			if (response.statusCode() < 300 || response.statusCode() == 404 || response.statusCode() == 409) {
				this.deletes.incrementAndGet();
				return;
			}
			throw new IOException("DELETE " + url + ": " + response.statusCode() + " " + response.body());
		}
		catch (Exception ex) {
			this.errors.incrementAndGet();
			this.removed.remove(uid);
			System.err.println("hollow kubelet: " + ex);
		}
	}

	private void markRunning(String url, String uid, ObjectNode pod) {
		try {
			for (int attempt = 0; attempt < 8; attempt++) {
				HttpResponse<String> response = send("PUT", url + "/status", running(pod));
				if (response.statusCode() < 300) {
					this.statusWrites.incrementAndGet();
					return;
				}
				if (response.statusCode() == 404) {
					return;
				}
				if (retriable(response.statusCode())) {
					Thread.sleep(200L << attempt);
					continue;
				}
				if (response.statusCode() != 409) {
					throw new IOException("PUT " + url + "/status: " + response.statusCode() + " " + response.body());
				}
				this.conflicts.incrementAndGet();
				HttpResponse<String> current = send("GET", url, null);
				if (current.statusCode() == 404) {
					return;
				}
				pod = (ObjectNode) JSON.readTree(current.body());
				if (!uid.equals(pod.path("metadata").path("uid").asText())
						|| !pod.path("metadata").path("deletionTimestamp").isMissingNode()) {
					return;
				}
			}
			throw new IOException("PUT " + url + "/status: still failing after 8 attempts");
		}
		catch (Exception ex) {
			this.errors.incrementAndGet();
			this.started.remove(uid);
			System.err.println("hollow kubelet: " + ex);
		}
	}

	/**
	 * An overloaded apiserver answers 429, or 504 when its cache lags a consistent read:
	 * a real kubelet retries those.
	 */
	static boolean retriable(int status) {
		return status == 429 || status == 500 || status == 503 || status == 504;
	}

	private static boolean isRunning(JsonNode pod) {
		return pod.path("status").path("phase").asText().equals("Running");
	}

	private static ObjectNode running(ObjectNode pod) {
		String now = Instant.now().toString();
		ObjectNode status = pod.putObject("status");
		status.put("phase", "Running").put("podIP", "10.0.0.1").put("hostIP", "10.0.0.1").put("startTime", now);
		var conditions = status.putArray("conditions");
		for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
			conditions.addObject().put("type", type).put("status", "True").put("lastTransitionTime", now);
		}
		var containers = status.putArray("containerStatuses");
		for (JsonNode container : pod.path("spec").path("containers")) {
			ObjectNode cs = containers.addObject();
			cs.put("name", container.path("name").asText())
				.put("image", container.path("image").asText())
				.put("imageID", "")
				.put("ready", true)
				.put("started", true)
				.put("restartCount", 0);
			cs.putObject("state").putObject("running").put("startedAt", now);
		}
		return pod;
	}

	private HttpResponse<String> send(String method, String url, JsonNode body) throws Exception {
		HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
				: HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
		return this.http.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.method(method, publisher)
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
