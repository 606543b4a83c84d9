package io.stevedore.controller.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

/** Job conditions as Kubernetes writes them: types, reasons and messages. */
final class JobConditions {

	static final String COMPLETE = "Complete";

	static final String FAILED = "Failed";

	static final String SUSPENDED = "Suspended";

	static final String REASON_COMPLETIONS_REACHED = "CompletionsReached";

	static final String REASON_BACKOFF_LIMIT = "BackoffLimitExceeded";

	static final String REASON_DEADLINE = "DeadlineExceeded";

	static final String REASON_POD_FAILURE_POLICY = "PodFailurePolicy";

	private JobConditions() {
	}

	static JobCondition find(JobStatus status, String type) {
		if (status == null || status.getConditions() == null) {
			return null;
		}
		return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
	}

	static boolean isTrue(JobStatus status, String type) {
		JobCondition condition = find(status, type);
		return condition != null && "True".equals(condition.getStatus());
	}

	/** Complete or Failed: nothing more to run. */
	static boolean isFinished(Job job) {
		return isTrue(job.getStatus(), COMPLETE) || isTrue(job.getStatus(), FAILED);
	}

	/** When the Job finished: the transition time of its Complete or Failed condition. */
	static Instant finishedAt(Job job) {
		for (String type : List.of(COMPLETE, FAILED)) {
			JobCondition condition = find(job.getStatus(), type);
			if (condition != null && "True".equals(condition.getStatus())
					&& condition.getLastTransitionTime() != null) {
				return Instant.parse(condition.getLastTransitionTime());
			}
		}
		return null;
	}

	/**
	 * Sets the condition; the transition time moves only when the status changes, as in
	 * Kubernetes' {@code ensureJobConditionStatus}.
	 */
	static void set(JobStatus status, String type, String value, String reason, String message, Instant now) {
		List<JobCondition> conditions = status.getConditions() == null ? new ArrayList<>()
				: new ArrayList<>(status.getConditions());
		JobCondition existing = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
		String time = now.toString();
		if (existing == null) {
			conditions.add(new JobCondition(time, time, message, reason, value, type));
		}
		else {
			if (!value.equals(existing.getStatus())) {
				existing.setLastTransitionTime(time);
			}
			existing.setStatus(value);
			existing.setReason(reason);
			existing.setMessage(message);
			existing.setLastProbeTime(time);
		}
		status.setConditions(conditions);
	}

}
