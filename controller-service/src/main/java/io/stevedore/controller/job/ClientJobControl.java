package io.stevedore.controller.job;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.controller.workload.OwnerReferencePatch;

/** {@link JobControl} through the fabric8 client. */
final class ClientJobControl implements JobControl {

	private final KubernetesClient client;

	ClientJobControl(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public Pod createPod(Pod pod) {
		return this.client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
	}

	@Override
	public void deletePod(Pod pod) {
		// fabric8 answers a pod already gone with an empty result, not an exception.
		this.client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
	}

	@Override
	public void patchOwnerReferences(Pod pod, List<OwnerReference> ownerReferences, List<String> finalizers) {
		OwnerReferencePatch.apply(this.client, pod, ownerReferences, finalizers);
	}

	@Override
	public Job updateStatus(Job job) {
		return this.client.batch()
			.v1()
			.jobs()
			.inNamespace(job.getMetadata().getNamespace())
			.resource(job)
			.updateStatus();
	}

	@Override
	public void removeTrackingFinalizer(Pod pod) {
		// Kubernetes' removeTrackingFinalizerPatch: no resourceVersion, so a kubelet's
		// status write meanwhile does not make it fail.
		String patch = Serialization
			.asJson(Map.of("metadata", Map.of("$deleteFromPrimitiveList/finalizers", List.of(JobTracking.FINALIZER))));
		try {
			this.client.pods()
				.inNamespace(pod.getMetadata().getNamespace())
				.withName(pod.getMetadata().getName())
				.patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 404) {
				throw ex;
			}
		}
	}

	@Override
	public void deleteFinished(Job job) {
		this.client.batch()
			.v1()
			.jobs()
			.inNamespace(job.getMetadata().getNamespace())
			.withName(job.getMetadata().getName())
			.withPropagationPolicy(DeletionPropagation.FOREGROUND)
			.delete();
	}

}
