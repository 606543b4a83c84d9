package io.stevedore.machinery.validation.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.stevedore.machinery.validation.Manifests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobValidationTest {

	private static Job job(Consumer<Job> change) {
		return Manifests.defaulted(Manifests.JOB, Job.class, change);
	}

	private static CronJob cronJob(Consumer<CronJob> change) {
		return Manifests.defaulted(Manifests.CRONJOB, CronJob.class, change);
	}

	private static Arguments c(String name, Consumer<Job> change, String... expected) {
		return Arguments.of(name, change, List.of(expected));
	}

	static Stream<Arguments> jobCases() {
		return Stream.of(
				c("completions are not negative", j -> j.getSpec().setCompletions(-1),
						"spec.completions: Invalid value: -1: must be greater than or equal to 0"),
				c("parallelism is not negative", j -> j.getSpec().setParallelism(-2),
						"spec.parallelism: Invalid value: -2: must be greater than or equal to 0"),
				c("backoffLimit is not negative", j -> j.getSpec().setBackoffLimit(-1),
						"spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"),
				c("the template restarts OnFailure or Never",
						j -> j.getSpec().getTemplate().getSpec().setRestartPolicy("Always"),
						"spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""),
				c("the template's restartPolicy is required, not defaulted",
						j -> j.getSpec().getTemplate().getSpec().setRestartPolicy(null),
						"spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""),
				c("an Indexed Job needs completions", j -> {
					j.getSpec().setCompletionMode("Indexed");
					j.getSpec().setParallelism(2);
				}, "spec.completions: Required value: when completion mode is Indexed"),
				c("a completion mode is NonIndexed or Indexed", j -> j.getSpec().setCompletionMode("Sequential"),
						"spec.completionMode: Unsupported value: \"Sequential\": supported values: \"NonIndexed\", \"Indexed\""),
				c("a manual selector must match the template", j -> {
					j.getSpec().setManualSelector(true);
					j.getSpec().setSelector(new LabelSelector(null, Map.of("app", "pi")));
				}, "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`"),
				c("without a uid no selector can be generated", j -> j.getMetadata().setUid(null),
						"spec.selector: Required value"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("jobCases")
	void rejectsJobsWithKubernetesMessages(String name, Consumer<Job> change, List<String> expected) {
		assertThat(Manifests.createErrors(job(change))).containsExactlyInAnyOrderElementsOf(expected);
	}

	@Test
	void theGeneratedSelectorSelectsTheTemplate() {
		Job j = job(x -> {
		});
		assertThat(j.getSpec().getSelector().getMatchLabels())
			.containsExactly(Map.entry("batch.kubernetes.io/controller-uid", "6f1c5c1e-4b43-4bd6-a1a2-0c8f3a1d2e11"));
		assertThat(j.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("job-name", "pi")
			.containsEntry("batch.kubernetes.io/job-name", "pi");
	}

	@Test
	void aRunningJobsTemplateAndCompletionsAreImmutable() {
		Job old = job(x -> {
		});
		Job updated = job(j -> {
			j.getSpec().setCompletions(3);
			j.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("perl:5.36");
		});
		assertThat(Manifests.updateErrors(updated, old)).containsExactly(
				"spec.completions: Invalid value: 3: field is immutable",
				"spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable");
	}

	@Test
	void aSuspendedJobsTemplateMayChange() {
		Job old = job(j -> j.getSpec().setSuspend(true));
		Job updated = job(j -> {
			j.getSpec().setSuspend(true);
			j.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("perl:5.36");
		});
		assertThat(Manifests.updateErrors(updated, old)).isEmpty();
	}

	static Stream<Arguments> cronCases() {
		return Stream.of(
				Arguments.of("a schedule is required", (Consumer<CronJob>) cj -> cj.getSpec().setSchedule(""),
						List.of("spec.schedule: Required value")),
				Arguments
					.of("a schedule has five fields", (Consumer<CronJob>) cj -> cj.getSpec().setSchedule("* * *"), List
						.of("spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: [* * *]")),
				Arguments.of("a schedule's minutes are below 60", (Consumer<CronJob>) cj -> cj.getSpec()
					.setSchedule("60 * * * *"), List
						.of("spec.schedule: Invalid value: \"60 * * * *\": end of range (60) above maximum (59): 60")),
				Arguments.of("a schedule's numbers are numbers", (Consumer<CronJob>) cj -> cj.getSpec()
					.setSchedule("x * * * *"), List
						.of("spec.schedule: Invalid value: \"x * * * *\": failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax")),
				Arguments.of("a time zone goes in timeZone, not the schedule", (Consumer<CronJob>) cj -> cj.getSpec()
					.setSchedule("TZ=UTC 0 * * * *"), List.of(
							"spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": expected exactly 5 fields, found 6: [TZ=UTC 0 * * * *]",
							"spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead")),
				Arguments.of("a time zone is a known one",
						(Consumer<CronJob>) cj -> cj.getSpec().setTimeZone("Mars/Olympus"),
						List.of("spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus")),
				Arguments.of("a concurrency policy is Allow, Forbid or Replace", (Consumer<CronJob>) cj -> cj.getSpec()
					.setConcurrencyPolicy("Sometimes"), List
						.of("spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"")),
				Arguments.of("the job template's selector is generated later", (Consumer<CronJob>) cj -> cj.getSpec()
					.getJobTemplate()
					.getSpec()
					.setSelector(new LabelSelector(null, Map.of("a", "b"))), List
						.of("spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"a\":\"b\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated")),
				Arguments.of("a name leaves room for the Job suffix",
						(Consumer<CronJob>) cj -> cj.getMetadata().setName("a".repeat(53)),
						List.of("metadata.name: Invalid value: \"" + "a".repeat(53)
								+ "\": must be no more than 52 characters")),
				Arguments.of("history limits are not negative",
						(Consumer<CronJob>) cj -> cj.getSpec().setFailedJobsHistoryLimit(-1),
						List.of("spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cronCases")
	void rejectsCronJobsWithKubernetesMessages(String name, Consumer<CronJob> change, List<String> expected) {
		assertThat(Manifests.createErrors(cronJob(change))).containsExactlyInAnyOrderElementsOf(expected);
	}

}
