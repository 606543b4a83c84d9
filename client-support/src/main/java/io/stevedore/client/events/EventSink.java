package io.stevedore.client.events;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.rest.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a component's core/v1 Events go (client-go's broadcaster sink): off the caller's
 * thread, so a slow or failing event write never delays or fails the work it tells of;
 * repeats counted on the stored event, similar ones combined and floods dropped
 * ({@link EventCorrelator}). Shared by the controllers and the node agent; the callers
 * build the events (names {@code <object>.<hex nanos>}, as Kubernetes).
 */
public final class EventSink {

	private static final Logger log = LoggerFactory.getLogger(EventSink.class);

	private static final Duration PATCH_TIMEOUT = Duration.ofSeconds(30);

	private static final ExecutorService WRITERS = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("event-writer").factory());

	/**
	 * The writes of one stored event (its create, then each count patch) in the order the
	 * correlator made them: concurrent, a patch of count 2 could land after the one of
	 * count 3 (the stored count going down), or before the create (a 404, a second create
	 * that conflicts, the count lost).
	 */
	private final KeyedSerialExecutor writes;

	private final KubernetesClient client;

	private final RestClient rest;

	private final EventCorrelator correlator;

	/** Writes on virtual threads, as many at once as there are events to write. */
	public EventSink(KubernetesClient client, Clock clock) {
		this(client, clock, WRITERS);
	}

	/**
	 * @param writers where the writes run; one that refuses work (a full bounded queue)
	 * drops the event, as client-go's broadcaster does when its channel is full
	 */
	public EventSink(KubernetesClient client, Clock clock, Executor writers) {
		this.client = client;
		this.rest = new RestClient(client, PATCH_TIMEOUT);
		this.correlator = new EventCorrelator(clock);
		this.writes = new KeyedSerialExecutor(writers);
	}

	/** Records the event, or counts it on the stored one; never throws. */
	public void record(Event event) {
		// Correlated and queued under one lock: two threads recording the same event
		// queue their writes in the order their counts were given.
		synchronized (this.correlator) {
			EventCorrelator.Result result = this.correlator.correlate(event);
			if (result.skip()) {
				log.debug("event dropped by the spam filter reason={}", event.getReason());
				return;
			}
			Event written = result.event();
			this.writes.execute(written.getMetadata().getNamespace() + "/" + written.getMetadata().getName(),
					() -> write(result));
		}
	}

	private void write(EventCorrelator.Result result) {
		Event event = result.event();
		var events = this.client.v1().events().inNamespace(event.getMetadata().getNamespace());
		try {
			if (result.update()) {
				int code = patchCount(event);
				if (code != 404) {
					if (code < 200 || code >= 300) {
						log.debug("event count not raised reason={} code={}", event.getReason(), code);
					}
					return;
				}
				// Expired or deleted: recorded anew, as client-go does.
			}
			events.resource(event).create();
		}
		catch (RuntimeException ex) {
			// ApiCallException (no answer in time, interrupted) or the client's own
			log.debug("event dropped reason={} error=\"{}\"", event.getReason(), ex.toString());
		}
	}

	/**
	 * client-go's patch of a stored event: count, lastTimestamp and message, a merge
	 * patch sent as it is. fabric8's {@code patch(PatchContext, String)} reads the event
	 * first, and Kubernetes' roles give nodes and controllers create, patch and update on
	 * events but not get: through the gateway that read was refused, and no count was
	 * ever raised.
	 * @return the answer's status code
	 */
	private int patchCount(Event event) {
		String body = Serialization.asJson(Map.of("count", event.getCount(), "lastTimestamp", event.getLastTimestamp(),
				"message", event.getMessage()));
		return this.rest
			.patch("/api/v1/namespaces/" + RestClient.segment(event.getMetadata().getNamespace()) + "/events/"
					+ RestClient.segment(event.getMetadata().getName()), RestClient.MERGE_PATCH, body)
			.code();
	}

}
