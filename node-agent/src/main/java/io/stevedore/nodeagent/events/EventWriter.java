package io.stevedore.nodeagent.events;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.client.events.EventSink;

/**
 * The kubelet's core/v1 Events (source {@code kubelet}, the node as host), named as
 * Kubernetes names them ({@code <object>.<hex nanos>}, so a listing sorted by name is in
 * the order they happened) and handed to an {@link EventSink}: written off the caller's
 * thread, so a slow event write never delays a container start, and a repeated one (a
 * probe failing every period) counted on the stored event instead of piling up.
 */
public final class EventWriter {

	/**
	 * The last name's nanos: two events in one clock tick still get distinct, ordered
	 * names.
	 */
	private static final AtomicLong LAST_NANOS = new AtomicLong();

	private final String nodeName;

	private final Clock clock;

	private final EventSink sink;

	public EventWriter(KubernetesClient client, String nodeName, Clock clock) {
		this(new EventSink(client, clock), nodeName, clock);
	}

	/** Several nodes of one process (hollow nodes) may share one sink. */
	public EventWriter(EventSink sink, String nodeName, Clock clock) {
		this.sink = sink;
		this.nodeName = nodeName;
		this.clock = clock;
	}

	/**
	 * Records an event about {@code involved}, in its namespace or, for a cluster-scoped
	 * object such as a Node, in {@code default} (where client-go's recorder puts them).
	 */
	public void record(ObjectReference involved, String type, String reason, String message) {
		String namespace = involved.getNamespace() == null || involved.getNamespace().isEmpty() ? "default"
				: involved.getNamespace();
		Instant now = this.clock.instant();
		String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
		long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
		long unique = LAST_NANOS.updateAndGet(last -> Math.max(last + 1, nanos));
		this.sink.record(new EventBuilder().withNewMetadata()
			.withName(involved.getName() + "." + Long.toHexString(unique))
			.withNamespace(namespace)
			.endMetadata()
			.withInvolvedObject(involved)
			.withType(type)
			.withReason(reason)
			.withMessage(message)
			.withNewSource("kubelet", this.nodeName)
			.withReportingComponent("kubelet")
			.withReportingInstance(this.nodeName)
			.withFirstTimestamp(time)
			.withLastTimestamp(time)
			.withCount(1)
			.build());
	}

}
