package io.stevedore.machinery.validation.batch;

import static io.stevedore.machinery.validation.CommonValidation.nonNegative;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.GoValue;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.LabelSelectorValidation;
import io.stevedore.machinery.validation.apps.WorkloadValidation;
import io.stevedore.machinery.validation.core.PodSpecValidation;

/**
 * Jobs, as batch/validation: counts are non-negative, the template restarts OnFailure or
 * Never, the (generated or manual) selector selects the template; selector, completions
 * and, unless the Job is suspended, the template never change.
 */
public final class JobValidation implements KindValidator<Job> {

	static final int MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;

	static final int MAX_COMPLETIONS_FOR_INDEXED_JOB = 100000;

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public List<FieldError> validate(Job job) {
		JobSpec spec = job.getSpec() == null ? new JobSpec() : job.getSpec();
		List<FieldError> errs = new ArrayList<>(validateSpec(spec, SPEC));
		if (spec.getSelector() == null) {
			errs.add(FieldError.required(SPEC.child("selector").toString(), ""));
		}
		else {
			errs.addAll(LabelSelectorValidation.validate(spec.getSelector(), SPEC.child("selector")));
			if (!LabelSelectorValidation.isEmpty(spec.getSelector())) {
				errs.addAll(WorkloadValidation.templateMatchesSelector(spec.getSelector(), spec.getTemplate(),
						SPEC.child("template")));
			}
		}
		return errs;
	}

	/**
	 * The checks a Job spec gets wherever it is, including a CronJob's jobTemplate, where
	 * the selector is generated later.
	 */
	static List<FieldError> validateSpec(JobSpec spec, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		errs.addAll(nonNegative(spec.getParallelism(), path.child("parallelism")));
		errs.addAll(nonNegative(spec.getCompletions(), path.child("completions")));
		errs.addAll(nonNegative(spec.getActiveDeadlineSeconds(), path.child("activeDeadlineSeconds")));
		errs.addAll(nonNegative(spec.getBackoffLimit(), path.child("backoffLimit")));
		errs.addAll(nonNegative(spec.getTtlSecondsAfterFinished(), path.child("ttlSecondsAfterFinished")));
		errs.addAll(nonNegative(spec.getBackoffLimitPerIndex(), path.child("backoffLimitPerIndex")));
		errs.addAll(nonNegative(spec.getMaxFailedIndexes(), path.child("maxFailedIndexes")));
		String mode = spec.getCompletionMode();
		if (mode != null) {
			if (!mode.equals("NonIndexed") && !mode.equals("Indexed")) {
				errs.add(FieldError.notSupported(path.child("completionMode").toString(), mode,
						List.of("NonIndexed", "Indexed")));
			}
			if (mode.equals("Indexed")) {
				if (spec.getCompletions() == null) {
					errs.add(FieldError.required(path.child("completions").toString(),
							"when completion mode is Indexed"));
				}
				if (spec.getParallelism() != null && spec.getParallelism() > MAX_PARALLELISM_FOR_INDEXED_JOB) {
					errs.add(FieldError.invalid(path.child("parallelism").toString(), spec.getParallelism(),
							"must be less than or equal to " + MAX_PARALLELISM_FOR_INDEXED_JOB
									+ " when completion mode is Indexed"));
				}
				if (spec.getCompletions() != null && spec.getCompletions() > MAX_COMPLETIONS_FOR_INDEXED_JOB) {
					errs.add(FieldError.invalid(path.child("completions").toString(), spec.getCompletions(),
							"must be less than or equal to " + MAX_COMPLETIONS_FOR_INDEXED_JOB
									+ " when completion mode is Indexed"));
				}
			}
		}
		FieldPath template = path.child("template");
		errs.addAll(PodSpecValidation.validateTemplate(spec.getTemplate(), template));
		String restart = spec.getTemplate() == null || spec.getTemplate().getSpec() == null ? ""
				: CommonValidation.str(spec.getTemplate().getSpec().getRestartPolicy());
		FieldPath restartPath = template.child("spec", "restartPolicy");
		if (restart.isEmpty()) {
			// One error that names the choices instead of the PodSpec's bare "Required
			// value".
			errs.removeIf(e -> e.field().equals(restartPath.toString()) && e.type() == FieldError.Type.REQUIRED);
			errs.add(FieldError.required(restartPath.toString(), "valid values: \"OnFailure\", \"Never\""));
		}
		else if (!restart.equals("OnFailure") && !restart.equals("Never")) {
			errs.add(FieldError.notSupported(restartPath.toString(), restart, List.of("OnFailure", "Never")));
		}
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(Job job, Job old) {
		List<FieldError> errs = new ArrayList<>(validate(job));
		JobSpec spec = job.getSpec() == null ? new JobSpec() : job.getSpec();
		JobSpec oldSpec = old.getSpec() == null ? new JobSpec() : old.getSpec();
		errs.addAll(
				CommonValidation.immutable(spec.getCompletions(), oldSpec.getCompletions(), SPEC.child("completions")));
		if (!CommonValidation.semanticEquals(spec.getSelector(), oldSpec.getSelector())) {
			errs.add(FieldError.invalid(SPEC.child("selector").toString(), GoValue.labelSelector(spec.getSelector()),
					CommonValidation.FIELD_IMMUTABLE));
		}
		// A suspended Job has not started its pods, so its template may still change.
		if (!Boolean.TRUE.equals(oldSpec.getSuspend())
				&& !CommonValidation.semanticEquals(spec.getTemplate(), oldSpec.getTemplate())) {
			errs.add(FieldError.invalid(SPEC.child("template").toString(), new GoValue("core.PodTemplateSpec{...}"),
					CommonValidation.FIELD_IMMUTABLE));
		}
		return errs;
	}

	@Override
	public List<FieldError> validateStatusUpdate(Job job, Job old) {
		List<FieldError> errs = new ArrayList<>();
		JobStatus s = job.getStatus();
		if (s == null) {
			return errs;
		}
		FieldPath status = FieldPath.root("status");
		errs.addAll(nonNegative(s.getActive(), status.child("active")));
		errs.addAll(nonNegative(s.getSucceeded(), status.child("succeeded")));
		errs.addAll(nonNegative(s.getFailed(), status.child("failed")));
		errs.addAll(nonNegative(s.getReady(), status.child("ready")));
		errs.addAll(nonNegative(s.getTerminating(), status.child("terminating")));
		return errs;
	}

}
