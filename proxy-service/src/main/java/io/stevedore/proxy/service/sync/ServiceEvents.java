package io.stevedore.proxy.service.sync;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a Service this proxy could not program as a Warning Event on the Service
 * (reason {@value #REASON}), once per distinct message, so {@code kubectl describe
 * service} shows it. A problem that goes away is forgotten, and reported again if it
 * comes back. The NetworkPolicy enforcer reports on its policies the same way.
 */
public final class ServiceEvents {

	public static final String REASON = "FailedToProgram";

	private static final Logger log = LoggerFactory.getLogger(ServiceEvents.class);

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

	private final KubernetesClient client;

	private final String nodeName;

	private final Map<String, String> reported = new HashMap<>();

	private final String apiVersion;

	private final String kind;

	public ServiceEvents(KubernetesClient client, String nodeName) {
		this(client, nodeName, "v1", "Service");
	}

	/**
	 * Events on objects of another kind, e.g. {@code networking.k8s.io/v1} NetworkPolicy.
	 */
	public ServiceEvents(KubernetesClient client, String nodeName, String apiVersion, String kind) {
		this.client = client;
		this.nodeName = nodeName;
		this.apiVersion = apiVersion;
		this.kind = kind;
	}

	/** Problems by {@code namespace/name}; the objects are looked up for their uid. */
	public void report(Map<String, String> problems, Map<String, ? extends HasMetadata> services) {
		this.reported.keySet().retainAll(problems.keySet());
		problems.forEach((key, message) -> {
			if (message.equals(this.reported.get(key))) {
				return;
			}
			HasMetadata service = services.get(key);
			if (service == null) {
				return;
			}
			log.warn("{} {} not fully programmed: {}", this.kind, key, message);
			if (emit(service, message)) {
				this.reported.put(key, message);
			}
		});
	}

	private boolean emit(HasMetadata service, String message) {
		String now = ZonedDateTime.now(ZoneOffset.UTC).format(TIME);
		var meta = service.getMetadata();
		try {
			this.client.v1()
				.events()
				.inNamespace(meta.getNamespace())
				.resource(new EventBuilder().withNewMetadata()
					.withName(meta.getName() + "." + Long.toHexString(System.nanoTime()))
					.withNamespace(meta.getNamespace())
					.endMetadata()
					.withNewInvolvedObject()
					.withApiVersion(this.apiVersion)
					.withKind(this.kind)
					.withName(meta.getName())
					.withNamespace(meta.getNamespace())
					.withUid(meta.getUid())
					.withResourceVersion(meta.getResourceVersion())
					.endInvolvedObject()
					.withType("Warning")
					.withReason(REASON)
					.withMessage("node " + this.nodeName + ": " + message)
					.withNewSource()
					.withComponent("stevedore-proxy")
					.withHost(this.nodeName)
					.endSource()
					.withReportingComponent("stevedore-proxy")
					.withReportingInstance(this.nodeName)
					.withFirstTimestamp(now)
					.withLastTimestamp(now)
					.withCount(1)
					.build())
				.create();
			return true;
		}
		catch (KubernetesClientException ex) {
			log.warn("cannot record an event on {} {}/{}: {}", this.kind, meta.getNamespace(), meta.getName(),
					ex.getMessage());
			return false;
		}
	}

}
