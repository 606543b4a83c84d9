package io.stevedore.controller.job;

import java.util.List;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.workload.OwnerReferencePatch;

/** {@link JobControl} through the fabric8 client. */
final class ClientJobControl implements JobControl {

	private final KubernetesClient client;

	ClientJobControl(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public void createPod(Pod pod) {
		this.client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
	}

	@Override
	public void deletePod(Pod pod) {
		// fabric8 answers a pod already gone with an empty result, not an exception.
		this.client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
	}

	@Override
	public void patchOwnerReferences(Pod pod, List<OwnerReference> ownerReferences) {
		OwnerReferencePatch.apply(this.client, pod, ownerReferences);
	}

	@Override
	public void updateStatus(Job job) {
		this.client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).updateStatus();
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
