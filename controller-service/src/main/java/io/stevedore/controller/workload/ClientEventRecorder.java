package io.stevedore.controller.workload;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events through fabric8, off the sync's thread: a slow or failing event
 * write never delays or fails a reconcile. Repeats are counted on the stored event,
 * similar ones combined and floods dropped ({@link EventCorrelator}). Names follow
 * Kubernetes ({@code <object>.<hex nanos>}).
 */
public final class ClientEventRecorder implements EventRecorder {

	private static final Logger log = LoggerFactory.getLogger(ClientEventRecorder.class);

	private static final ExecutorService WRITERS = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("event-recorder").factory());

	/**
	 * The writes of one stored event (its create, then each count patch) in the order the
	 * correlator made them: concurrent, a patch of count 2 could land after the one of
	 * count 3 (the stored count going down), or before the create (a 404, a second create
	 * that conflicts, the count lost).
	 */
	private final KeyedSerialExecutor writes = new KeyedSerialExecutor(WRITERS);

	private final KubernetesClient client;

	private final String component;

	private final Clock clock;

	private final EventCorrelator correlator;

	/**
	 * @param component the reporting controller, e.g. {@code replicaset-controller}
	 */
	public ClientEventRecorder(KubernetesClient client, String component, Clock clock) {
		this.correlator = new EventCorrelator(clock);
		this.client = client;
		this.component = component;
		this.clock = clock;
	}

	@Override
	public void event(HasMetadata object, String type, String reason, String message) {
		Event event = build(object, type, reason, message, this.component, this.clock.instant());
		log.info("event ns={} object={}/{} type={} reason={} message=\"{}\"", event.getMetadata().getNamespace(),
				object.getKind(), object.getMetadata().getName(), type, reason, message);
		// Correlated and queued under one lock: two syncs recording the same event queue
		// their writes in the order their counts were given.
		synchronized (this.correlator) {
			EventCorrelator.Result result = this.correlator.correlate(event);
			if (result.skip()) {
				log.debug("event dropped by the spam filter reason={}", reason);
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
				try {
					// client-go patches count, lastTimestamp and message of the stored
					// event.
					events.withName(event.getMetadata().getName())
						.patch(PatchContext.of(PatchType.JSON_MERGE),
								Serialization.asJson(Map.of("count", event.getCount(), "lastTimestamp",
										event.getLastTimestamp(), "message", event.getMessage())));
					return;
				}
				catch (KubernetesClientException ex) {
					if (ex.getCode() != 404) {
						throw ex;
					}
					// Expired or deleted: recorded anew, as client-go does.
				}
			}
			events.resource(event).create();
		}
		catch (KubernetesClientException ex) {
			log.debug("event dropped reason={} error=\"{}\"", event.getReason(), ex.getMessage());
		}
	}

	static Event build(HasMetadata object, String type, String reason, String message, String component, Instant now) {
		String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
		String namespace = object.getMetadata().getNamespace() == null ? "default"
				: object.getMetadata().getNamespace();
		long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
		return new EventBuilder().withNewMetadata()
			.withName(object.getMetadata().getName() + "." + Long.toHexString(nanos))
			.withNamespace(namespace)
			.endMetadata()
			.withNewInvolvedObject()
			.withApiVersion(object.getApiVersion())
			.withKind(object.getKind())
			.withName(object.getMetadata().getName())
			.withNamespace(object.getMetadata().getNamespace())
			.withUid(object.getMetadata().getUid())
			.withResourceVersion(object.getMetadata().getResourceVersion())
			.endInvolvedObject()
			.withType(type)
			.withReason(reason)
			.withMessage(message)
			.withNewSource()
			.withComponent(component)
			.endSource()
			.withReportingComponent(component)
			.withFirstTimestamp(time)
			.withLastTimestamp(time)
			.withCount(1)
			.build();
	}

}
