package io.stevedore.scheduler.plugins.defaultpreemption;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stevedore.scheduler.framework.PodInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preempts through the API, off the scheduling thread: sets the preemptor's
 * {@code status.nominatedNodeName} (merge patch of pods/status), then deletes each victim
 * as Kubernetes does (a plain delete with the pod's grace period).
 */
public final class ApiEvictor implements DefaultPreemption.Evictor {

	private static final Logger log = LoggerFactory.getLogger(ApiEvictor.class);

	private final KubernetesClient client;

	private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();

	public ApiEvictor(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public void preempt(PodInfo preemptor, String nodeName, List<PodInfo> victims) {
		this.writers.execute(() -> {
			try {
				this.client.pods()
					.inNamespace(preemptor.namespace())
					.withName(preemptor.pod().getMetadata().getName())
					.subresource("status")
					.patch(PatchContext.of(PatchType.JSON_MERGE),
							"{\"status\":{\"nominatedNodeName\":\"" + nodeName + "\"}}");
			}
			catch (RuntimeException ex) {
				log.warn("could not nominate ns={} name={} node={} error=\"{}\"", preemptor.namespace(),
						preemptor.pod().getMetadata().getName(), nodeName, ex.toString());
			}
			for (PodInfo victim : victims) {
				try {
					log.info("preempting ns={} name={} node={} preemptor={}", victim.namespace(),
							victim.pod().getMetadata().getName(), nodeName, preemptor.key());
					this.client.pods()
						.inNamespace(victim.namespace())
						.withName(victim.pod().getMetadata().getName())
						.delete();
				}
				catch (RuntimeException ex) {
					log.warn("could not preempt ns={} name={} error=\"{}\"", victim.namespace(),
							victim.pod().getMetadata().getName(), ex.toString());
				}
			}
		});
	}

}
