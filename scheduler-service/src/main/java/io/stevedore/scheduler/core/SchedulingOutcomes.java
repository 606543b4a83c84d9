package io.stevedore.scheduler.core;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * How the scheduler tells users what happened to a pod: events and the PodScheduled
 * condition. Behind an interface so the scheduling loop is unit-tested without an API.
 * Implementations must not block the caller for long: they run on the scheduling and
 * binding threads.
 */
public interface SchedulingOutcomes {

	/** Event Scheduled: "Successfully assigned ns/name to node". */
	void scheduled(Pod pod, String nodeName, String schedulerName);

	/**
	 * Event FailedScheduling and condition PodScheduled=False, reason Unschedulable (or
	 * SchedulerError for an error), with this message.
	 */
	void failed(Pod pod, String reason, String message, String schedulerName);

}
