package io.stevedore.controller.cronjob;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.replicaset.RecordingEventRecorder;
import io.stevedore.controller.workload.ControllerRefs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CronJobSyncTest {

	private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:30Z"));

	private final Map<String, CronJob> cronJobs = new HashMap<>();

	private final List<Job> jobs = new ArrayList<>();

	private final List<Job> created = new ArrayList<>();

	private final List<String> deleted = new ArrayList<>();

	private CronJob updated;

	private final RecordingEventRecorder events = new RecordingEventRecorder();

	private final CronJobSync sync = new CronJobSync(this.cronJobs::get, (uid) -> List.copyOf(this.jobs),
			new CronJobControl() {
				@Override
				public Job createJob(Job job) {
					job.getMetadata().setUid("uid-" + job.getMetadata().getName());
					CronJobSyncTest.this.created.add(job);
					return job;
				}

				@Override
				public void deleteJob(Job job) {
					CronJobSyncTest.this.deleted.add(job.getMetadata().getName());
				}

				@Override
				public void updateStatus(CronJob cronJob) {
					CronJobSyncTest.this.updated = cronJob;
				}
			}, this.clock, this.events);

	@Test
	void nothingStartsBeforeTheFirstScheduleTimeAndTheNextLookIsThen() {
		given(cronJob("*/5 * * * *"));

		Result result = this.sync.reconcile("team/report");

		assertThat(this.created).isEmpty();
		assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(270).plusMillis(100));
	}

	@Test
	void aJobNamedAfterTheScheduleTimeStartsWhenTheTimeComes() {
		given(cronJob("*/5 * * * *"));
		this.clock.advance(Duration.ofMinutes(5));

		this.sync.reconcile("team/report");

		Job job = this.created.get(0);
		long minutes = Instant.parse("2026-01-01T00:05:00Z").getEpochSecond() / 60;
		assertThat(job.getMetadata().getName()).isEqualTo("report-" + minutes);
		assertThat(job.getMetadata().getAnnotations()).containsEntry("batch.kubernetes.io/cronjob-scheduled-timestamp",
				"2026-01-01T00:05:00Z");
		assertThat(job.getMetadata().getLabels()).containsEntry("app", "report");
		assertThat(ControllerRefs.controllerOf(job).getKind()).isEqualTo("CronJob");
		assertThat(this.updated.getStatus().getLastScheduleTime()).isEqualTo("2026-01-01T00:05:00Z");
		assertThat(this.updated.getStatus().getActive()).extracting("name")
			.containsExactly(job.getMetadata().getName());
		assertThat(this.events.events).containsExactly("Normal SuccessfulCreate Created job report-" + minutes);
	}

	@Test
	void aJobOfTheActiveListSeenFinishedIsToldOnce() {
		CronJob cronJob = cronJob("0 0 1 1 *");
		given(cronJob);
		this.jobs.add(job("report-1", null));
		this.sync.reconcile("team/report");
		cronJob.setStatus(this.updated.getStatus());
		this.jobs.set(0, job("report-1", "Failed"));

		this.sync.reconcile("team/report");
		cronJob.setStatus(this.updated.getStatus());
		this.sync.reconcile("team/report");

		assertThat(this.events.events)
			.containsExactly("Normal SawCompletedJob Saw completed job: report-1, status: Failed");
	}

	@Test
	void manyMissedTimesStartOnlyTheMostRecent() {
		given(cronJob("* * * * *"));
		this.clock.advance(Duration.ofMinutes(30));

		this.sync.reconcile("team/report");

		assertThat(this.created).singleElement()
			.satisfies(j -> assertThat(j.getMetadata().getAnnotations())
				.containsEntry("batch.kubernetes.io/cronjob-scheduled-timestamp", "2026-01-01T00:30:00Z"));
	}

	@Test
	void aStartMissedByMoreThanTheStartingDeadlineIsSkipped() {
		CronJob cronJob = cronJob("0 * * * *");
		cronJob.getSpec().setStartingDeadlineSeconds(60L);
		given(cronJob);
		this.clock.advance(Duration.ofMinutes(62));

		this.sync.reconcile("team/report");

		assertThat(this.created).isEmpty();
		// As in Kubernetes: the window starts startingDeadlineSeconds ago, so there is no
		// start in it to miss and nothing to tell.
		assertThat(this.events.events).isEmpty();
	}

	@Test
	void aSuspendedCronJobStartsNothing() {
		CronJob cronJob = cronJob("* * * * *");
		cronJob.getSpec().setSuspend(true);
		given(cronJob);
		this.clock.advance(Duration.ofMinutes(5));

		assertThat(this.sync.reconcile("team/report")).isEqualTo(Result.done());
		assertThat(this.created).isEmpty();
	}

	@Test
	void forbidSkipsAStartWhileAJobStillRuns() {
		CronJob cronJob = cronJob("* * * * *");
		cronJob.getSpec().setConcurrencyPolicy("Forbid");
		given(cronJob);
		this.jobs.add(job("report-1", null));
		this.clock.advance(Duration.ofMinutes(1));

		this.sync.reconcile("team/report");

		assertThat(this.created).isEmpty();
		assertThat(this.events.events).containsExactly(
				"Normal JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid");
	}

	@Test
	void replaceDeletesTheRunningJobAndStartsANewOne() {
		CronJob cronJob = cronJob("* * * * *");
		cronJob.getSpec().setConcurrencyPolicy("Replace");
		given(cronJob);
		this.jobs.add(job("report-1", null));
		this.clock.advance(Duration.ofMinutes(1));

		this.sync.reconcile("team/report");

		assertThat(this.deleted).containsExactly("report-1");
		assertThat(this.created).hasSize(1);
		assertThat(this.updated.getStatus().getActive()).extracting("name")
			.containsExactly(this.created.get(0).getMetadata().getName());
	}

	@Test
	void finishedJobsBeyondTheHistoryLimitsAreDeletedOldestFirst() {
		CronJob cronJob = cronJob("0 0 1 1 *");
		cronJob.getSpec().setSuccessfulJobsHistoryLimit(1);
		cronJob.getSpec().setFailedJobsHistoryLimit(1);
		given(cronJob);
		this.jobs.add(job("ok-old", "Complete", "2025-01-01T00:00:00Z"));
		this.jobs.add(job("ok-new", "Complete", "2025-06-01T00:00:00Z"));
		this.jobs.add(job("bad-old", "Failed", "2025-01-01T00:00:00Z"));
		this.jobs.add(job("bad-new", "Failed", "2025-06-01T00:00:00Z"));

		this.sync.reconcile("team/report");

		assertThat(this.deleted).containsExactlyInAnyOrder("ok-old", "bad-old");
		assertThat(this.events.events).containsExactlyInAnyOrder("Normal SuccessfulDelete Deleted job ok-old",
				"Normal SuccessfulDelete Deleted job bad-old");
		assertThat(this.updated.getStatus().getLastSuccessfulTime()).isEqualTo("2025-06-01T00:01:00Z");
	}

	@Test
	void theScheduleIsReadInTheCronJobsTimeZone() {
		CronJob cronJob = cronJob("0 9 * * *");
		cronJob.getSpec().setTimeZone("Europe/Paris");
		given(cronJob);
		this.clock.advance(Duration.ofHours(8));

		this.sync.reconcile("team/report");

		assertThat(this.created).singleElement()
			.satisfies(j -> assertThat(j.getMetadata().getAnnotations())
				.containsEntry("batch.kubernetes.io/cronjob-scheduled-timestamp", "2026-01-01T09:00:00+01:00"));
	}

	private void given(CronJob cronJob) {
		this.cronJobs.put("team/report", cronJob);
	}

	private static CronJob cronJob(String schedule) {
		return new CronJobBuilder().withApiVersion("batch/v1")
			.withKind("CronJob")
			.withNewMetadata()
			.withNamespace("team")
			.withName("report")
			.withUid("cj-uid")
			.withCreationTimestamp("2026-01-01T00:00:00Z")
			.endMetadata()
			.withNewSpec()
			.withSchedule(schedule)
			.withConcurrencyPolicy("Allow")
			.withNewJobTemplate()
			.withNewMetadata()
			.addToLabels("app", "report")
			.endMetadata()
			.withNewSpec()
			.withNewTemplate()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.endTemplate()
			.endSpec()
			.endJobTemplate()
			.endSpec()
			.build();
	}

	private static Job job(String name, String finished) {
		return job(name, finished, "2025-12-31T00:00:00Z");
	}

	private static Job job(String name, String finished, String start) {
		JobBuilder builder = new JobBuilder().withNewMetadata()
			.withNamespace("team")
			.withName(name)
			.withUid("uid-" + name)
			.endMetadata()
			.withNewStatus()
			.withStartTime(start)
			.endStatus();
		if (finished != null) {
			builder.editStatus()
				.withCompletionTime(
						finished.equals("Complete") ? Instant.parse(start).plusSeconds(60).toString() : null)
				.addNewCondition()
				.withType(finished)
				.withStatus("True")
				.endCondition()
				.endStatus();
		}
		return builder.build();
	}

}
