package io.stevedore.controller.nodelifecycle;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.controller.workload.EventRecorder;

/** {@link NodeLifecycleControl} through the fabric8 client. */
final class ClientNodeLifecycleControl implements NodeLifecycleControl {

	private final KubernetesClient client;

	private final EventRecorder events;

	private final java.time.Clock clock;

	ClientNodeLifecycleControl(KubernetesClient client, EventRecorder events, java.time.Clock clock) {
		this.client = client;
		this.events = events;
		this.clock = clock;
	}

	@Override
	public Node updateStatus(Node node) {
		return this.client.nodes().resource(node).updateStatus();
	}

	@Override
	public Node update(Node node) {
		return this.client.nodes().resource(node).update();
	}

	@Override
	public void deletePod(Pod pod) {
		PodResource resource = pod(pod);
		try {
			// A strategic merge patch: conditions merge by type, the kubelet's stay.
			patchCondition(resource,
					Map.of("type", "DisruptionTarget", "status", "True", "reason", "DeletionByTaintManager", "message",
							"Taint manager: deleting due to NoExecute taint", "lastTransitionTime",
							time(this.clock.instant())));
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() == 404) {
				return;
			}
			throw ex;
		}
		resource.delete();
	}

	@Override
	public void markPodNotReady(Pod pod, Instant now) {
		try {
			patchCondition(pod(pod), Map.of("type", "Ready", "status", "False", "lastTransitionTime", time(now)));
		}
		catch (KubernetesClientException ex) {
			// Gone meanwhile: nothing left to mark.
			if (ex.getCode() != 404) {
				throw ex;
			}
		}
	}

	@Override
	public void event(HasMetadata object, String type, String reason, String message) {
		this.events.event(object, type, reason, message);
	}

	private PodResource pod(Pod pod) {
		return this.client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName());
	}

	private static void patchCondition(PodResource pod, Map<String, String> condition) {
		pod.subresource("status")
			.patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
					Serialization.asJson(Map.of("status", Map.of("conditions", List.of(condition)))));
	}

	private static String time(Instant instant) {
		return instant.truncatedTo(ChronoUnit.SECONDS).toString();
	}

}
