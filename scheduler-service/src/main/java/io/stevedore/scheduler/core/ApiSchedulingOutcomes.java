package io.stevedore.scheduler.core;

import java.io.IOException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stevedore.scheduler.client.JsonPost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells users through the API, as kube-scheduler does: a {@code Scheduled} or
 * {@code FailedScheduling} Event on the pod, and for a failure the condition
 * {@code PodScheduled=False} with the reason and message (a strategic merge patch of
 * {@code pods/status}; conditions merge by type). Writes run on virtual threads, at most
 * {@value #MAX_IN_FLIGHT} at once, so neither the scheduling nor the binding thread waits
 * on them; a failed write is logged, never retried (the next attempt writes again).
 */
public final class ApiSchedulingOutcomes implements SchedulingOutcomes, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ApiSchedulingOutcomes.class);

	static final int MAX_IN_FLIGHT = 32;

	private static final ObjectMapper JSON = new ObjectMapper();

	private final KubernetesClient client;

	private final JsonPost post;

	private final Clock clock;

	private final String instance;

	private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();

	private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

	public ApiSchedulingOutcomes(KubernetesClient client, Clock clock, String instance) {
		this.client = client;
		this.post = new JsonPost(client);
		this.clock = clock;
		this.instance = instance;
	}

	@Override
	public void scheduled(Pod pod, String nodeName, String schedulerName) {
		submit(() -> event(pod, "Normal", "Scheduled", "Successfully assigned " + pod.getMetadata().getNamespace() + "/"
				+ pod.getMetadata().getName() + " to " + nodeName, schedulerName));
	}

	@Override
	public void failed(Pod pod, String reason, String message, String schedulerName) {
		submit(() -> {
			event(pod, "Warning", "FailedScheduling", message, schedulerName);
			if (!alreadySays(pod, reason, message)) {
				condition(pod, reason, message);
			}
		});
	}

	private void submit(Runnable write) {
		try {
			this.inFlight.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		try {
			this.writers.execute(() -> {
				try {
					write.run();
				}
				catch (RuntimeException ex) {
					log.warn("could not record scheduling outcome error=\"{}\"", ex.toString());
				}
				finally {
					this.inFlight.release();
				}
			});
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// Shutting down: a bind that finishes now has nobody left to tell.
			this.inFlight.release();
		}
	}

	private static boolean alreadySays(Pod pod, String reason, String message) {
		if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
			return false;
		}
		for (PodCondition condition : pod.getStatus().getConditions()) {
			if ("PodScheduled".equals(condition.getType())) {
				return "False".equals(condition.getStatus()) && reason.equals(condition.getReason())
						&& message.equals(condition.getMessage());
			}
		}
		return false;
	}

	private void condition(Pod pod, String reason, String message) {
		Map<String, Object> patch = Map.of("status",
				Map.of("conditions", java.util.List.of(Map.of("type", "PodScheduled", "status", "False", "reason",
						reason, "message", message, "lastTransitionTime", now(), "lastProbeTime", now()))));
		try {
			this.client.pods()
				.inNamespace(pod.getMetadata().getNamespace())
				.withName(pod.getMetadata().getName())
				.subresource("status")
				.patch(PatchContext.of(PatchType.STRATEGIC_MERGE), JSON.writeValueAsString(patch));
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Creates the core/v1 Event as a plain POST (see {@link JsonPost}): one per placed
	 * pod, so its body is written directly and the created Event in the answer is not
	 * decoded.
	 */
	private void event(Pod pod, String type, String reason, String message, String schedulerName) {
		String now = now();
		String namespace = pod.getMetadata().getNamespace();
		String name = pod.getMetadata().getName();
		JsonPost.Answer answer;
		try {
			answer = this.post.post("/api/v1/namespaces/" + JsonPost.segment(namespace) + "/events", (json) -> {
				json.writeStringField("apiVersion", "v1");
				json.writeStringField("kind", "Event");
				json.writeObjectFieldStart("metadata");
				json.writeStringField("name",
						name + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
				json.writeStringField("namespace", namespace);
				json.writeEndObject();
				json.writeObjectFieldStart("involvedObject");
				json.writeStringField("apiVersion", "v1");
				json.writeStringField("kind", "Pod");
				json.writeStringField("namespace", namespace);
				json.writeStringField("name", name);
				writeIfSet(json, "uid", pod.getMetadata().getUid());
				writeIfSet(json, "resourceVersion", pod.getMetadata().getResourceVersion());
				json.writeEndObject();
				json.writeStringField("type", type);
				json.writeStringField("reason", reason);
				json.writeStringField("message", message);
				json.writeObjectFieldStart("source");
				json.writeStringField("component", schedulerName);
				json.writeEndObject();
				json.writeStringField("reportingComponent", schedulerName);
				json.writeStringField("reportingInstance", this.instance);
				json.writeStringField("action", reason.equals("Scheduled") ? "Binding" : "Scheduling");
				json.writeStringField("firstTimestamp", now);
				json.writeStringField("lastTimestamp", now);
				json.writeNumberField("count", 1);
			}, 30);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("event not created: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		if (!answer.isSuccessful()) {
			throw new IllegalStateException("event not created: " + answer.code() + " " + answer.body());
		}
	}

	private static void writeIfSet(JsonGenerator json, String field, String value) throws IOException {
		if (value != null) {
			json.writeStringField(field, value);
		}
	}

	private String now() {
		return DateTimeFormatter.ISO_INSTANT.format(this.clock.instant().truncatedTo(ChronoUnit.SECONDS));
	}

	@Override
	public void close() {
		this.writers.shutdown();
	}

}
