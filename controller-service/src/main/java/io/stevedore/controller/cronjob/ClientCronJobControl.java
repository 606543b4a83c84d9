package io.stevedore.controller.cronjob;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** {@link CronJobControl} through the fabric8 client. */
final class ClientCronJobControl implements CronJobControl {

	private final KubernetesClient client;

	ClientCronJobControl(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public Job createJob(Job job) {
		try {
			return this.client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).create();
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() == 409) {
				return null;
			}
			throw ex;
		}
	}

	@Override
	public void deleteJob(Job job) {
		this.client.batch()
			.v1()
			.jobs()
			.inNamespace(job.getMetadata().getNamespace())
			.withName(job.getMetadata().getName())
			.withPropagationPolicy(DeletionPropagation.BACKGROUND)
			.delete();
	}

	@Override
	public void updateStatus(CronJob cronJob) {
		this.client.batch()
			.v1()
			.cronjobs()
			.inNamespace(cronJob.getMetadata().getNamespace())
			.resource(cronJob)
			.updateStatus();
	}

}
