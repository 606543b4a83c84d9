package io.stevedore.controller.cronjob;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.EventRecorder;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.machinery.validation.batch.CronSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CronJob controller's sync (pkg/controller/cronjob {@code syncCronJob}): reconciles
 * status.active with the Jobs it owns, trims finished Jobs to the history limits, and,
 * unless suspended, starts the Job of the most recent schedule time it has not started,
 * honouring startingDeadlineSeconds and the concurrency policy. It then looks again at
 * the next schedule time, so no polling is needed; the clock is injected.
 */
final class CronJobSync implements Reconciler {

	static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";

	/** Kubernetes logs a CronJob that missed more starts than this. */
	static final int TOO_MANY_MISSED = 100;

	/** Slack after the schedule time so the next look is never a moment too early. */
	private static final Duration NEXT_SCHEDULE_DELTA = Duration.ofMillis(100);

	private static final Logger log = LoggerFactory.getLogger(CronJobSync.class);

	/** Go's time.RFC1123Z, in which Kubernetes words a missed schedule time. */
	private static final DateTimeFormatter RFC1123Z = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z",
			java.util.Locale.ROOT);

	private final Function<String, CronJob> cronJobs;

	private final Function<String, List<Job>> jobsOf;

	private final CronJobControl control;

	private final Clock clock;

	private final EventRecorder events;

	CronJobSync(Function<String, CronJob> cronJobs, Function<String, List<Job>> jobsOf, CronJobControl control,
			Clock clock, EventRecorder events) {
		this.events = events;
		this.cronJobs = cronJobs;
		this.jobsOf = jobsOf;
		this.control = control;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		CronJob cached = this.cronJobs.apply(key);
		if (cached == null || cached.getMetadata().getDeletionTimestamp() != null) {
			return Result.done();
		}
		CronJob cronJob = Serialization.clone(cached);
		CronJobSpec spec = cronJob.getSpec();
		CronJobStatus status = cronJob.getStatus() == null ? new CronJobStatus() : cronJob.getStatus();
		CronJobStatus before = Serialization.clone(status);
		List<Job> jobs = new ArrayList<>(this.jobsOf.apply(cronJob.getMetadata().getUid()));

		reconcileActive(cronJob, status, jobs);
		cleanupHistory(cronJob, jobs);

		Result result = schedule(cronJob, status);
		if (!Objects.equals(before, status)) {
			cronJob.setStatus(status);
			this.control.updateStatus(cronJob);
		}
		return result;
	}

	private Result schedule(CronJob cronJob, CronJobStatus status) {
		CronJobSpec spec = cronJob.getSpec();
		if (Boolean.TRUE.equals(spec.getSuspend())) {
			return Result.done();
		}
		CronSchedule schedule;
		ZoneId zone;
		try {
			schedule = CronSchedule.parse(spec.getSchedule());
			zone = spec.getTimeZone() == null ? ZoneOffset.UTC : ZoneId.of(spec.getTimeZone());
		}
		catch (IllegalArgumentException | DateTimeException ex) {
			// Validation rejects these; a bad one already stored waits for an edit.
			log.warn("unparseable schedule ns={} name={} schedule=\"{}\" error=\"{}\"",
					cronJob.getMetadata().getNamespace(), cronJob.getMetadata().getName(), spec.getSchedule(),
					ex.getMessage());
			return Result.done();
		}
		ZonedDateTime now = ZonedDateTime.ofInstant(this.clock.instant(), zone);
		ZonedDateTime scheduled = mostRecentMissed(cronJob, schedule, now);
		Result next = nextLook(schedule, now);
		if (scheduled == null) {
			return next;
		}
		Long deadline = spec.getStartingDeadlineSeconds();
		if (deadline != null && scheduled.plusSeconds(deadline).isBefore(now)) {
			log.info("missed starting deadline ns={} name={} scheduled={}", cronJob.getMetadata().getNamespace(),
					cronJob.getMetadata().getName(), scheduled);
			this.events.event(cronJob, EventRecorder.WARNING, "MissSchedule", "Missed scheduled time to start a job: "
					+ scheduled.withZoneSameInstant(ZoneOffset.UTC).format(RFC1123Z));
			return next;
		}
		List<ObjectReference> active = status.getActive() == null ? new ArrayList<>()
				: new ArrayList<>(status.getActive());
		String policy = spec.getConcurrencyPolicy() == null ? "Allow" : spec.getConcurrencyPolicy();
		if ("Forbid".equals(policy) && !active.isEmpty()) {
			// The start is skipped, not postponed: the next look is the next schedule
			// time.
			this.events.event(cronJob, EventRecorder.NORMAL, "JobAlreadyActive",
					"Not starting job because prior execution is running and concurrency policy is Forbid");
			return next;
		}
		if ("Replace".equals(policy)) {
			for (ObjectReference ref : active) {
				Job victim = new Job();
				victim.setMetadata(new ObjectMeta());
				victim.getMetadata().setNamespace(ref.getNamespace());
				victim.getMetadata().setName(ref.getName());
				deleteJob(cronJob, victim);
			}
			active.clear();
		}
		Job created;
		try {
			created = this.control.createJob(jobFor(cronJob, scheduled));
		}
		catch (RuntimeException ex) {
			this.events.event(cronJob, EventRecorder.WARNING, "FailedCreate", "Error creating job: " + ex.getMessage());
			throw ex;
		}
		if (created != null) {
			this.events.event(cronJob, EventRecorder.NORMAL, "SuccessfulCreate",
					"Created job " + created.getMetadata().getName());
			active.add(new ObjectReferenceBuilder().withApiVersion("batch/v1")
				.withKind("Job")
				.withNamespace(created.getMetadata().getNamespace())
				.withName(created.getMetadata().getName())
				.withUid(created.getMetadata().getUid())
				.withResourceVersion(created.getMetadata().getResourceVersion())
				.build());
			log.info("created job ns={} name={} job={}", cronJob.getMetadata().getNamespace(),
					cronJob.getMetadata().getName(), created.getMetadata().getName());
		}
		status.setActive(active);
		status.setLastScheduleTime(scheduled.toInstant().toString());
		return next;
	}

	/**
	 * The latest schedule time after the last one started (or the creation) and not after
	 * now, or null; within startingDeadlineSeconds when set.
	 */
	private ZonedDateTime mostRecentMissed(CronJob cronJob, CronSchedule schedule, ZonedDateTime now) {
		String last = cronJob.getStatus() == null ? null : cronJob.getStatus().getLastScheduleTime();
		Instant earliest = Instant.parse(last != null ? last : cronJob.getMetadata().getCreationTimestamp());
		Long deadline = cronJob.getSpec().getStartingDeadlineSeconds();
		if (deadline != null && earliest.isBefore(now.toInstant().minusSeconds(deadline))) {
			earliest = now.toInstant().minusSeconds(deadline);
		}
		// Counting misses further back than a week serves no one.
		Instant horizon = now.toInstant().minus(Duration.ofDays(7));
		if (earliest.isBefore(horizon)) {
			earliest = horizon;
		}
		ZonedDateTime recent = null;
		int missed = 0;
		for (ZonedDateTime t = schedule.next(ZonedDateTime.ofInstant(earliest, now.getZone())); t != null
				&& !t.isAfter(now); t = schedule.next(t)) {
			recent = t;
			missed++;
		}
		if (missed > TOO_MANY_MISSED) {
			this.events.event(cronJob, EventRecorder.WARNING, "TooManyMissedTimes", "too many missed start times: "
					+ missed + ". Set or decrease .spec.startingDeadlineSeconds or check clock skew");
			log.warn(
					"too many missed start times ns={} name={} missed={}: set or decrease "
							+ ".spec.startingDeadlineSeconds or check clock skew",
					cronJob.getMetadata().getNamespace(), cronJob.getMetadata().getName(), missed);
		}
		return recent;
	}

	private static Result nextLook(CronSchedule schedule, ZonedDateTime now) {
		ZonedDateTime next = schedule.next(now);
		if (next == null) {
			return Result.done();
		}
		return Result.requeueAfter(Duration.between(now, next).plus(NEXT_SCHEDULE_DELTA));
	}

	/**
	 * Kubernetes' {@code getJobFromTemplate2}: named after the schedule time in minutes.
	 */
	private static Job jobFor(CronJob cronJob, ZonedDateTime scheduled) {
		var template = Serialization.clone(cronJob.getSpec().getJobTemplate());
		ObjectMeta meta = new ObjectMeta();
		meta.setNamespace(cronJob.getMetadata().getNamespace());
		meta.setName(cronJob.getMetadata().getName() + "-" + scheduled.toEpochSecond() / 60);
		ObjectMeta source = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
		meta.setLabels(source.getLabels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(source.getLabels()));
		meta.setAnnotations(
				source.getAnnotations() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(source.getAnnotations()));
		meta.getAnnotations().put(SCHEDULED_TIMESTAMP, scheduled.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
		meta.setOwnerReferences(new ArrayList<>(List.of(ControllerRefs.of(cronJob))));
		Job job = new Job();
		job.setApiVersion("batch/v1");
		job.setKind("Job");
		job.setMetadata(meta);
		job.setSpec(template.getSpec());
		return job;
	}

	/**
	 * Active refs follow the owned Jobs: finished ones leave, running ones are listed.
	 */
	private void reconcileActive(CronJob cronJob, CronJobStatus status, List<Job> jobs) {
		List<ObjectReference> active = new ArrayList<>();
		Set<String> wasActive = new HashSet<>();
		(status.getActive() == null ? List.<ObjectReference>of() : status.getActive())
			.forEach(ref -> wasActive.add(ref.getUid()));
		for (Job job : jobs) {
			String finished = finishedType(job);
			if (finished != null && wasActive.contains(job.getMetadata().getUid())) {
				this.events.event(cronJob, EventRecorder.NORMAL, "SawCompletedJob",
						"Saw completed job: " + job.getMetadata().getName() + ", status: " + finished);
			}
			if (finished == null) {
				if (job.getMetadata().getDeletionTimestamp() == null) {
					active.add(new ObjectReferenceBuilder().withApiVersion("batch/v1")
						.withKind("Job")
						.withNamespace(job.getMetadata().getNamespace())
						.withName(job.getMetadata().getName())
						.withUid(job.getMetadata().getUid())
						.withResourceVersion(job.getMetadata().getResourceVersion())
						.build());
				}
			}
			else if (finished.equals("Complete") && job.getStatus().getCompletionTime() != null) {
				String last = status.getLastSuccessfulTime();
				String done = job.getStatus().getCompletionTime();
				if (last == null || Instant.parse(done).isAfter(Instant.parse(last))) {
					status.setLastSuccessfulTime(done);
				}
			}
		}
		active.sort(Comparator.comparing(ObjectReference::getName));
		List<ObjectReference> previous = status.getActive() == null ? List.of() : status.getActive();
		boolean same = previous.size() == active.size() && previous.stream()
			.map(ObjectReference::getUid)
			.toList()
			.containsAll(active.stream().map(ObjectReference::getUid).toList());
		if (!same) {
			status.setActive(active);
		}
	}

	/** Deletes the oldest finished Jobs beyond successful/failedJobsHistoryLimit. */
	private void cleanupHistory(CronJob cronJob, List<Job> jobs) {
		CronJobSpec spec = cronJob.getSpec();
		trim(cronJob, jobs.stream().filter(j -> "Complete".equals(finishedType(j))).toList(),
				spec.getSuccessfulJobsHistoryLimit() == null ? 3 : spec.getSuccessfulJobsHistoryLimit());
		trim(cronJob, jobs.stream().filter(j -> "Failed".equals(finishedType(j))).toList(),
				spec.getFailedJobsHistoryLimit() == null ? 1 : spec.getFailedJobsHistoryLimit());
	}

	private void deleteJob(CronJob cronJob, Job job) {
		this.control.deleteJob(job);
		this.events.event(cronJob, EventRecorder.NORMAL, "SuccessfulDelete",
				"Deleted job " + job.getMetadata().getName());
	}

	private void trim(CronJob cronJob, List<Job> finished, int limit) {
		if (finished.size() <= limit) {
			return;
		}
		List<Job> oldestFirst = new ArrayList<>(finished);
		oldestFirst.sort(Comparator.comparing(CronJobSync::startedAt));
		for (Job job : oldestFirst.subList(0, finished.size() - limit)) {
			if (job.getMetadata().getDeletionTimestamp() == null) {
				deleteJob(cronJob, job);
			}
		}
	}

	private static Instant startedAt(Job job) {
		String start = job.getStatus() == null ? null : job.getStatus().getStartTime();
		String at = start != null ? start : job.getMetadata().getCreationTimestamp();
		return at == null ? Instant.EPOCH : Instant.parse(at);
	}

	/** "Complete", "Failed", or null while running. */
	static String finishedType(Job job) {
		if (job.getStatus() == null || job.getStatus().getConditions() == null) {
			return null;
		}
		for (JobCondition condition : job.getStatus().getConditions()) {
			if ((condition.getType().equals("Complete") || condition.getType().equals("Failed"))
					&& "True".equals(condition.getStatus())) {
				return condition.getType();
			}
		}
		return null;
	}

}
