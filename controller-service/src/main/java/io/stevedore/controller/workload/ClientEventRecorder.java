package io.stevedore.controller.workload;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.client.events.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller's events, built as Kubernetes' recorder builds them (names
 * {@code <object>.<hex nanos>}, source the controller) and handed to an
 * {@link EventSink}: written off the sync's thread, repeats counted, similar ones
 * combined, floods dropped.
 */
public final class ClientEventRecorder implements EventRecorder {

	private static final Logger log = LoggerFactory.getLogger(ClientEventRecorder.class);

	private final String component;

	private final Clock clock;

	private final EventSink sink;

	/**
	 * @param component the reporting controller, e.g. {@code replicaset-controller}
	 */
	public ClientEventRecorder(KubernetesClient client, String component, Clock clock) {
		this.sink = new EventSink(client, clock);
		this.component = component;
		this.clock = clock;
	}

	@Override
	public void event(HasMetadata object, String type, String reason, String message) {
		Event event = build(object, type, reason, message, this.component, this.clock.instant());
		log.info("event ns={} object={}/{} type={} reason={} message=\"{}\"", event.getMetadata().getNamespace(),
				object.getKind(), object.getMetadata().getName(), type, reason, message);
		this.sink.record(event);
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
