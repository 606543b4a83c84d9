package io.stevedore.proxy.ingress;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.proxy.ingress.route.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warning Events on an Ingress for what cannot be served (a missing Service or Secret, an
 * unknown port), once per distinct problem, so {@code kubectl describe ingress} shows
 * them; a problem that goes away is forgotten and reported again if it comes back.
 */
final class IngressEvents {

	private static final Logger log = LoggerFactory.getLogger(IngressEvents.class);

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

	private final KubernetesClient client;

	private final String nodeName;

	private final Map<String, Set<Problem>> reported = new HashMap<>();

	IngressEvents(KubernetesClient client, String nodeName) {
		this.client = client;
		this.nodeName = nodeName;
	}

	void report(Map<String, List<Problem>> problems, Map<String, Ingress> ingresses) {
		this.reported.keySet().retainAll(problems.keySet());
		problems.forEach((key, list) -> {
			Set<Problem> seen = this.reported.computeIfAbsent(key, k -> new HashSet<>());
			seen.retainAll(list);
			Ingress ingress = ingresses.get(key);
			for (Problem problem : list) {
				if (ingress != null && !seen.contains(problem) && emit(ingress, problem)) {
					seen.add(problem);
				}
			}
		});
	}

	private boolean emit(Ingress ingress, Problem problem) {
		var meta = ingress.getMetadata();
		log.warn("Ingress {}/{}: {}", meta.getNamespace(), meta.getName(), problem.message());
		String now = ZonedDateTime.now(ZoneOffset.UTC).format(TIME);
		try {
			this.client.v1()
				.events()
				.inNamespace(meta.getNamespace())
				.resource(new EventBuilder().withNewMetadata()
					.withName(meta.getName() + "." + Long.toHexString(System.nanoTime()))
					.withNamespace(meta.getNamespace())
					.endMetadata()
					.withNewInvolvedObject()
					.withApiVersion("networking.k8s.io/v1")
					.withKind("Ingress")
					.withName(meta.getName())
					.withNamespace(meta.getNamespace())
					.withUid(meta.getUid())
					.withResourceVersion(meta.getResourceVersion())
					.endInvolvedObject()
					.withType("Warning")
					.withReason(problem.reason())
					.withMessage(problem.message() + " (node " + this.nodeName + ")")
					.withNewSource()
					.withComponent("stevedore-ingress")
					.withHost(this.nodeName)
					.endSource()
					.withReportingComponent("stevedore-ingress")
					.withReportingInstance(this.nodeName)
					.withFirstTimestamp(now)
					.withLastTimestamp(now)
					.withCount(1)
					.build())
				.create();
			return true;
		}
		catch (KubernetesClientException ex) {
			log.warn("cannot record an event on Ingress {}/{}: {}", meta.getNamespace(), meta.getName(),
					ex.getMessage());
			return false;
		}
	}

}
