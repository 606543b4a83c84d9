package io.stevedore.machinery.defaulting;

import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * batch/v1 defaults (pkg/apis/batch/v1/defaults.go) and the Job selector the apiserver
 * generates.
 */
public final class BatchDefaults {

	/** The label the generated selector matches, with the Job's uid as value. */
	public static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";

	public static final String JOB_NAME = "batch.kubernetes.io/job-name";

	private BatchDefaults() {
	}

	public static void job(Job job) {
		if (job.getSpec() == null) {
			job.setSpec(new JobSpec());
		}
		JobSpec spec = job.getSpec();
		// A non-parallel Job may leave both unset: one pod, run to one completion.
		if (spec.getCompletions() == null && spec.getParallelism() == null) {
			spec.setCompletions(1);
			spec.setParallelism(1);
		}
		if (spec.getParallelism() == null) {
			spec.setParallelism(1);
		}
		if (spec.getBackoffLimit() == null) {
			spec.setBackoffLimit(6);
		}
		Map<String, String> templateLabels = spec.getTemplate() == null || spec.getTemplate().getMetadata() == null
				? null : spec.getTemplate().getMetadata().getLabels();
		if (templateLabels != null && (job.getMetadata() == null || job.getMetadata().getLabels() == null
				|| job.getMetadata().getLabels().isEmpty())) {
			if (job.getMetadata() == null) {
				job.setMetadata(new ObjectMeta());
			}
			job.getMetadata().setLabels(new LinkedHashMap<>(templateLabels));
		}
		if (spec.getCompletionMode() == null) {
			spec.setCompletionMode("NonIndexed");
		}
		if (spec.getSuspend() == null) {
			spec.setSuspend(false);
		}
		if (spec.getPodReplacementPolicy() == null) {
			spec.setPodReplacementPolicy(spec.getPodFailurePolicy() != null ? "Failed" : "TerminatingOrFailed");
		}
		if (spec.getManualSelector() == null || !spec.getManualSelector()) {
			String uid = job.getMetadata() == null ? null : job.getMetadata().getUid();
			if (uid != null && !uid.isEmpty() && spec.getSelector() == null) {
				generateSelector(job);
			}
		}
		PodDefaults.jobTemplate(spec.getTemplate());
	}

	/**
	 * What the Job strategy does on create once the uid is known (unless manualSelector):
	 * a selector on the uid and the matching labels on the template, so no other
	 * controller's pods can be adopted.
	 */
	public static void generateSelector(Job job) {
		String uid = job.getMetadata().getUid();
		String name = job.getMetadata().getName();
		JobSpec spec = job.getSpec();
		if (spec.getTemplate() == null) {
			spec.setTemplate(new PodTemplateSpec());
		}
		if (spec.getTemplate().getMetadata() == null) {
			spec.getTemplate().setMetadata(new ObjectMeta());
		}
		Map<String, String> labels = spec.getTemplate().getMetadata().getLabels() == null ? new LinkedHashMap<>()
				: new LinkedHashMap<>(spec.getTemplate().getMetadata().getLabels());
		labels.putIfAbsent("controller-uid", uid);
		labels.putIfAbsent("job-name", name);
		labels.putIfAbsent(CONTROLLER_UID, uid);
		labels.putIfAbsent(JOB_NAME, name);
		spec.getTemplate().getMetadata().setLabels(labels);
		LabelSelector selector = new LabelSelector();
		selector.setMatchLabels(new LinkedHashMap<>(Map.of(CONTROLLER_UID, uid)));
		spec.setSelector(selector);
	}

	public static void cronJob(CronJob cj) {
		if (cj.getSpec() == null) {
			cj.setSpec(new CronJobSpec());
		}
		CronJobSpec spec = cj.getSpec();
		if (spec.getConcurrencyPolicy() == null || spec.getConcurrencyPolicy().isEmpty()) {
			spec.setConcurrencyPolicy("Allow");
		}
		if (spec.getSuspend() == null) {
			spec.setSuspend(false);
		}
		if (spec.getSuccessfulJobsHistoryLimit() == null) {
			spec.setSuccessfulJobsHistoryLimit(3);
		}
		if (spec.getFailedJobsHistoryLimit() == null) {
			spec.setFailedJobsHistoryLimit(1);
		}
		if (spec.getJobTemplate() != null && spec.getJobTemplate().getSpec() != null) {
			PodDefaults.jobTemplate(spec.getJobTemplate().getSpec().getTemplate());
		}
	}

}
