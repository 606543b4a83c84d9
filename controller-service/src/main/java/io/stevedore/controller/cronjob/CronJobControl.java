package io.stevedore.controller.cronjob;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/** The CronJob controller's writes, behind an interface for the unit tests. */
public interface CronJobControl {

	/**
	 * Creates the Job; returns it as stored, or null when one of that name exists
	 * already.
	 */
	Job createJob(Job job);

	/** Deletes a Job and, in the background, its pods. */
	void deleteJob(Job job);

	/** PUT cronjobs/{name}/status. */
	void updateStatus(CronJob cronJob);

}
