package io.stevedore.nodeagent.events;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the kubelet's core/v1 Events (source {@code kubelet}, the node as host) on a
 * background executor: a slow event write must never delay a container start or a status
 * write, and a lost event is only logged, as client-go's recorder does.
 */
public final class EventWriter {

	private static final Logger log = LoggerFactory.getLogger(EventWriter.class);

	private final KubernetesClient client;

	private final String nodeName;

	private final ExecutorService executor;

	private final Clock clock;

	public EventWriter(KubernetesClient client, String nodeName, ExecutorService executor, Clock clock) {
		this.client = client;
		this.nodeName = nodeName;
		this.executor = executor;
		this.clock = clock;
	}

	/**
	 * Records an event about {@code involved}, in its namespace or, for a cluster-scoped
	 * object such as a Node, in {@code default} (where client-go's recorder puts them).
	 */
	public void record(ObjectReference involved, String type, String reason, String message) {
		String namespace = involved.getNamespace() == null || involved.getNamespace().isEmpty() ? "default"
				: involved.getNamespace();
		String now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
		var event = new EventBuilder().withNewMetadata()
			.withName(involved.getName() + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
			.withNamespace(namespace)
			.endMetadata()
			.withInvolvedObject(involved)
			.withType(type)
			.withReason(reason)
			.withMessage(message)
			.withNewSource("kubelet", this.nodeName)
			.withReportingComponent("kubelet")
			.withReportingInstance(this.nodeName)
			.withFirstTimestamp(now)
			.withLastTimestamp(now)
			.withCount(1)
			.build();
		try {
			this.executor.execute(() -> {
				try {
					this.client.v1().events().inNamespace(namespace).resource(event).create();
				}
				catch (RuntimeException ex) {
					log.debug("event not recorded object={} reason={} error=\"{}\"", involved.getName(), reason,
							ex.toString());
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// shutting down
		}
	}

}
