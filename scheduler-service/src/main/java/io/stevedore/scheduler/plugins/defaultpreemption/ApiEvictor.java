package io.stevedore.scheduler.plugins.defaultpreemption;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stevedore.scheduler.framework.PodInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preempts through the API, off the scheduling thread: sets the preemptor's
 * {@code status.nominatedNodeName} (merge patch of pods/status), then for each victim, as
 * Kubernetes' {@code prepareCandidate}: adds the condition {@code DisruptionTarget=True}
 * (reason {@code PreemptionByScheduler}) to its status, so its owner can tell preemption
 * from a failure, and deletes it (a plain delete with the pod's grace period).
 */
public final class ApiEvictor implements DefaultPreemption.Evictor {

	private static final Logger log = LoggerFactory.getLogger(ApiEvictor.class);

	static final String DISRUPTION_TARGET = "DisruptionTarget";

	static final String REASON = "PreemptionByScheduler";

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
					markDisruptionTarget(preemptor, victim);
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

	/**
	 * Kubernetes' {@code UpdatePodCondition}: the condition is added, or replaced when
	 * its status, reason or message differ. A failure is logged and the delete still goes
	 * ahead.
	 */
	private void markDisruptionTarget(PodInfo preemptor, PodInfo victim) {
		String schedulerName = preemptor.pod().getSpec().getSchedulerName();
		String message = (schedulerName == null ? "default-scheduler" : schedulerName)
				+ ": preempting to accommodate a higher priority pod";
		try {
			this.client.pods()
				.inNamespace(victim.namespace())
				.withName(victim.pod().getMetadata().getName())
				.editStatus((pod) -> {
					PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
					List<PodCondition> conditions = new ArrayList<>(
							status.getConditions() == null ? List.of() : status.getConditions());
					for (PodCondition condition : conditions) {
						if (DISRUPTION_TARGET.equals(condition.getType()) && "True".equals(condition.getStatus())
								&& REASON.equals(condition.getReason()) && message.equals(condition.getMessage())) {
							return pod;
						}
					}
					conditions.removeIf((condition) -> DISRUPTION_TARGET.equals(condition.getType()));
					conditions.add(new PodConditionBuilder().withType(DISRUPTION_TARGET)
						.withStatus("True")
						.withReason(REASON)
						.withMessage(message)
						.withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
						.build());
					status.setConditions(conditions);
					pod.setStatus(status);
					return pod;
				});
		}
		catch (RuntimeException ex) {
			// Kubernetes gives up on the candidate here; the delete below still frees the
			// room, which matters more than the condition.
			log.warn("could not add DisruptionTarget ns={} name={} error=\"{}\"", victim.namespace(),
					victim.pod().getMetadata().getName(), ex.toString());
		}
	}

}
