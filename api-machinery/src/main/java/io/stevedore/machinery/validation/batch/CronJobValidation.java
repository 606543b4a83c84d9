package io.stevedore.machinery.validation.batch;

import static io.stevedore.machinery.validation.CommonValidation.nonNegative;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.GoValue;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.ObjectMetaValidation;

/**
 * CronJobs: a valid five-field schedule, a concurrency policy, a job template whose
 * selector is left to be generated, and a name short enough for the Jobs it creates (name
 * plus an 11-character suffix must fit 63).
 */
public final class CronJobValidation implements KindValidator<CronJob> {

	static final int MAX_NAME_LENGTH = 52;

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public List<FieldError> validate(CronJob cronJob) {
		List<FieldError> errs = new ArrayList<>();
		CronJobSpec spec = cronJob.getSpec() == null ? new CronJobSpec() : cronJob.getSpec();
		String schedule = spec.getSchedule();
		if (CommonValidation.isEmpty(schedule)) {
			errs.add(FieldError.required(SPEC.child("schedule").toString(), ""));
		}
		else {
			errs.addAll(schedule(schedule, SPEC.child("schedule")));
		}
		errs.addAll(timeZone(spec.getTimeZone(), SPEC.child("timeZone")));
		errs.addAll(nonNegative(spec.getStartingDeadlineSeconds(), SPEC.child("startingDeadlineSeconds")));
		errs.addAll(CommonValidation.oneOf(spec.getConcurrencyPolicy(), SPEC.child("concurrencyPolicy"),
				List.of("Allow", "Forbid", "Replace")));
		errs.addAll(nonNegative(spec.getSuccessfulJobsHistoryLimit(), SPEC.child("successfulJobsHistoryLimit")));
		errs.addAll(nonNegative(spec.getFailedJobsHistoryLimit(), SPEC.child("failedJobsHistoryLimit")));
		errs.addAll(jobTemplate(spec.getJobTemplate(), SPEC.child("jobTemplate")));
		String name = cronJob.getMetadata() == null ? null : cronJob.getMetadata().getName();
		if (name != null && name.length() > MAX_NAME_LENGTH) {
			errs.add(FieldError.invalid("metadata.name", name, "must be no more than 52 characters"));
		}
		return errs;
	}

	static List<FieldError> schedule(String schedule, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		try {
			CronSchedule.parse(schedule);
		}
		catch (IllegalArgumentException ex) {
			errs.add(FieldError.invalid(path.toString(), schedule, ex.getMessage()));
		}
		if (schedule.contains("TZ")) {
			errs.add(FieldError.invalid(path.toString(), schedule,
					"cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
		}
		return errs;
	}

	private static List<FieldError> timeZone(String zone, FieldPath path) {
		if (zone == null) {
			return List.of();
		}
		if (zone.isEmpty() || zone.equals("Local") || zone.contains(" ")) {
			return List.of(FieldError.invalid(path.toString(), zone, "unknown time zone " + zone));
		}
		try {
			ZoneId.of(zone);
			return List.of();
		}
		catch (DateTimeException ex) {
			return List.of(FieldError.invalid(path.toString(), zone, "unknown time zone " + zone));
		}
	}

	private static List<FieldError> jobTemplate(JobTemplateSpec template, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		JobTemplateSpec t = template == null ? new JobTemplateSpec() : template;
		if (t.getMetadata() != null) {
			errs.addAll(CommonValidation.labels(t.getMetadata().getLabels(), path.child("metadata", "labels")));
			errs.addAll(ObjectMetaValidation.annotations(t.getMetadata().getAnnotations(),
					path.child("metadata", "annotations")));
		}
		JobSpec spec = t.getSpec() == null ? new JobSpec() : t.getSpec();
		errs.addAll(JobValidation.validateSpec(spec, path.child("spec")));
		if (spec.getSelector() != null) {
			errs.add(FieldError.invalid(path.child("spec", "selector").toString(),
					GoValue.labelSelector(spec.getSelector()), "`selector` will be auto-generated"));
		}
		if (Boolean.TRUE.equals(spec.getManualSelector())) {
			errs.add(FieldError.notSupported(path.child("spec", "manualSelector").toString(), new GoValue("true"),
					List.of("nil", "false")));
		}
		return errs;
	}

}
