package io.stevedore.controller.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.EventRecorder;
import io.stevedore.controller.workload.CanAdopt;
import io.stevedore.controller.workload.ClaimCandidates;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.ControllerRefClaim;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.OwnerSelector;
import io.stevedore.controller.workload.PodStates;
import io.stevedore.controller.workload.PodTemplates;
import io.stevedore.machinery.selectors.LabelSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Job controller's sync (pkg/controller/job {@code syncJob}): claims the pods its
 * selector matches ({@link ControllerRefClaim}: orphans adopted, its pods that stopped
 * matching released) and counts them, decides whether it failed (backoffLimit,
 * activeDeadlineSeconds, podFailurePolicy), completed or is suspended, otherwise keeps
 * {@code parallelism} pods running toward {@code completions} (one pod per index for
 * Indexed Jobs), with an exponential delay before replacing failed pods; then writes the
 * status. A finished Job with {@code ttlSecondsAfterFinished} is deleted once that runs
 * out.
 * <p>
 * Succeeded and failed counts never go down: a finished pod is counted once, through the
 * tracking finalizer ({@link JobTracking}), so a deleted finished pod is not run again.
 */
final class JobSync implements Reconciler {

	private static final Logger log = LoggerFactory.getLogger(JobSync.class);

	private final Function<String, Job> jobs;

	/** The Job's pods and the orphans of its namespace. */
	private final ClaimCandidates<Pod> pods;

	private final JobControl jobControl;

	private final ControllerExpectations expectations;

	private final JobSettings settings;

	private final Clock clock;

	private final CanAdopt canAdopt;

	private final FinalizerRemovals removals;

	private final EventRecorder events;

	JobSync(Function<String, Job> jobs, ClaimCandidates<Pod> pods, JobControl jobControl,
			ControllerExpectations expectations, FinalizerRemovals removals, JobSettings settings, Clock clock,
			CanAdopt canAdopt, EventRecorder events) {
		this.events = events;
		this.jobs = jobs;
		this.removals = removals;
		this.pods = pods;
		this.canAdopt = canAdopt;
		this.jobControl = jobControl;
		this.expectations = expectations;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		Job cached = this.jobs.apply(key);
		if (cached == null) {
			this.expectations.forget(key);
			return Result.done();
		}
		if (cached.getMetadata().getDeletionTimestamp() != null) {
			// Its pods go with it: none may wait on the tracking finalizer.
			release(trackedPodsOf(cached));
			return Result.done();
		}
		if (JobConditions.isFinished(cached)) {
			// Counted already: a pod still holding the finalizer lets go.
			release(trackedPodsOf(cached));
			return expireIfDue(cached);
		}
		LabelSelector selector = OwnerSelector.parse(cached, cached.getSpec().getSelector());
		if (selector == null) {
			return Result.done();
		}
		// Kubernetes' getPodsForJob: adopt matching orphans, release pods that stopped
		// matching; a failed adoption or release fails the sync before anything is
		// counted.
		String uid = cached.getMetadata().getUid();
		List<Pod> claimed = ControllerRefClaim.claim(cached, selector, this.pods.of(cached), this.canAdopt,
				(pod, refs) -> this.jobControl.patchOwnerReferences(pod, refs, JobTracking.afterClaim(pod, refs, uid)));
		Job job = Serialization.clone(cached);
		return new Pass(key, job, claimed).run();
	}

	/** The Job's own pods that still hold the tracking finalizer. */
	private List<Pod> trackedPodsOf(Job job) {
		String uid = job.getMetadata().getUid();
		return this.pods.of(job)
			.stream()
			.filter(pod -> ControllerRefs.isControlledBy(pod, uid) && JobTracking.isTracked(pod)
					&& !this.removals.pending(pod.getMetadata().getUid()))
			.toList();
	}

	/**
	 * Removes the tracking finalizer from each pod, remembering each until the informer
	 * shows it; every pod is tried, the first failure thrown after.
	 * @return the uids released
	 */
	private Set<String> release(List<Pod> pods) {
		Set<String> released = new HashSet<>();
		RuntimeException failure = null;
		for (Pod pod : pods) {
			this.removals.expect(pod.getMetadata().getUid());
			try {
				this.jobControl.removeTrackingFinalizer(pod);
				released.add(pod.getMetadata().getUid());
			}
			catch (RuntimeException ex) {
				this.removals.gone(pod);
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
		return released;
	}

	/** The TTL-after-finished controller's part. */
	private Result expireIfDue(Job job) {
		Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
		Instant finished = JobConditions.finishedAt(job);
		if (ttl == null || finished == null) {
			return Result.done();
		}
		Instant expiry = finished.plusSeconds(ttl);
		Instant now = this.clock.instant();
		if (now.isBefore(expiry)) {
			return Result.requeueAfter(Duration.between(now, expiry));
		}
		log.info("deleting finished job after its ttl ns={} name={} ttlSeconds={}", job.getMetadata().getNamespace(),
				job.getMetadata().getName(), ttl);
		this.jobControl.deleteFinished(job);
		return Result.done();
	}

	/** One sync of one Job: the state of the pass in fields instead of parameters. */
	private final class Pass {

		private final String key;

		private final Job job;

		private final JobSpec spec;

		private final JobStatus status;

		private final Instant now = JobSync.this.clock.instant();

		private final boolean indexed;

		private final int parallelism;

		private final Integer completions;

		private final List<Pod> pods;

		private final List<Pod> active = new ArrayList<>();

		private final List<Pod> succeededPods = new ArrayList<>();

		private final List<Pod> countedFailures = new ArrayList<>();

		private final JobTracking tracking;

		private Duration requeue;

		Pass(String key, Job job, List<Pod> pods) {
			this.key = key;
			this.pods = pods;
			this.job = job;
			this.spec = job.getSpec();
			this.status = job.getStatus() == null ? new JobStatus() : job.getStatus();
			this.indexed = "Indexed".equals(this.spec.getCompletionMode());
			this.parallelism = this.spec.getParallelism() == null ? 1 : this.spec.getParallelism();
			this.completions = this.spec.getCompletions();
			this.tracking = new JobTracking(this.status, JobSync.this.removals);
		}

		Result run() {
			JobStatus before = Serialization.clone(this.status);
			String failJob = null;
			String failMessage = null;
			for (Pod pod : this.pods) {
				switch (PodStates.phase(pod)) {
					case "Succeeded" -> {
						this.succeededPods.add(pod);
						this.tracking.observe(pod, false);
					}
					case "Failed" -> {
						PodFailurePolicies.Verdict verdict = PodFailurePolicies.match(this.spec.getPodFailurePolicy(),
								pod);
						if ("FailJob".equals(verdict.action()) && failJob == null) {
							failJob = JobConditions.REASON_POD_FAILURE_POLICY;
							failMessage = verdict.message();
						}
						boolean counts = !"Ignore".equals(verdict.action());
						if (counts) {
							this.countedFailures.add(pod);
						}
						this.tracking.observe(pod, counts);
					}
					default -> {
						if (!PodStates.isTerminating(pod)) {
							this.active.add(pod);
						}
						else {
							this.tracking.observe(pod, true);
						}
					}
				}
			}
			boolean suspended = Boolean.TRUE.equals(this.spec.getSuspend());
			// Counted plus uncounted (Kubernetes' syncJob): a finished pod without the
			// finalizer was counted when it lost it, so the pods present add nothing.
			int failed = intOf(this.status.getFailed()) + this.tracking.uncountedFailed();
			SortedSet<Integer> completedIndexes = null;
			int succeeded;
			if (this.indexed) {
				completedIndexes = CompletionIndexes.parse(this.status.getCompletedIndexes(), completionsOrZero());
				for (Pod pod : this.succeededPods) {
					int index = CompletionIndexes.of(pod, completionsOrZero());
					// Kubernetes' calculateSucceededIndexes: only pods not counted yet.
					if (index >= 0 && this.tracking.uncounted(pod)) {
						completedIndexes.add(index);
					}
				}
				succeeded = completedIndexes.size();
				this.status.setCompletedIndexes(CompletionIndexes.format(completedIndexes));
			}
			else {
				succeeded = intOf(this.status.getSucceeded()) + this.tracking.uncountedSucceeded();
			}
			if (this.status.getStartTime() == null && !suspended) {
				this.status.setStartTime(this.now.toString());
			}

			if (failJob == null && failed > backoffLimit()) {
				failJob = JobConditions.REASON_BACKOFF_LIMIT;
				failMessage = "Job has reached the specified backoff limit";
			}
			if (failJob == null && pastActiveDeadline(suspended)) {
				failJob = JobConditions.REASON_DEADLINE;
				failMessage = "Job was active longer than specified deadline";
			}

			if ((failJob != null || isComplete(succeeded)) && this.tracking.deferred()) {
				// Kubernetes' reachedMaxUncountedPods: every finished pod is in the
				// counts
				// before the Job finishes, or the ones left over would never be.
				remember(Duration.ZERO);
			}
			else if (failJob != null) {
				deleteFinishing(true);
				JobConditions.set(this.status, JobConditions.FAILED, "True", failJob, failMessage, this.now);
				JobSync.this.events.event(this.job, EventRecorder.WARNING, failJob, failMessage);
				log.info("job failed ns={} name={} reason={}", this.job.getMetadata().getNamespace(),
						this.job.getMetadata().getName(), failJob);
			}
			else if (isComplete(succeeded)) {
				deleteFinishing(false);
				JobConditions.set(this.status, JobConditions.COMPLETE, "True", JobConditions.REASON_COMPLETIONS_REACHED,
						"Reached expected number of succeeded pods", this.now);
				this.status.setCompletionTime(this.now.toString());
				JobSync.this.events.event(this.job, EventRecorder.NORMAL, "Completed", "Job completed");
				log.info("job completed ns={} name={} succeeded={}", this.job.getMetadata().getNamespace(),
						this.job.getMetadata().getName(), succeeded);
			}
			else if (suspended) {
				deleteAll(this.active);
				this.active.clear();
				if (!JobConditions.isTrue(this.status, JobConditions.SUSPENDED)) {
					JobSync.this.events.event(this.job, EventRecorder.NORMAL, "Suspended", "Job suspended");
				}
				JobConditions.set(this.status, JobConditions.SUSPENDED, "True", "JobSuspended", "Job suspended",
						this.now);
			}
			else {
				if (JobConditions.isTrue(this.status, JobConditions.SUSPENDED)) {
					JobConditions.set(this.status, JobConditions.SUSPENDED, "False", "JobResumed", "Job resumed",
							this.now);
					JobSync.this.events.event(this.job, EventRecorder.NORMAL, "Resumed", "Job resumed");
					// The active deadline counts from the resumption, as in Kubernetes.
					this.status.setStartTime(this.now.toString());
				}
				if (JobSync.this.expectations.satisfied(this.key)) {
					manageActivePods(succeeded, completedIndexes);
				}
				scheduleDeadlineCheck();
			}

			this.status.setActive(this.active.size());
			this.status.setReady((int) this.active.stream().filter(PodStates::isReady).count());
			trackFinishedPods(before);
			if (this.indexed) {
				this.status.setSucceeded(succeeded);
			}
			if (!Objects.equals(before, this.status)) {
				this.job.setStatus(this.status);
				JobSync.this.jobControl.updateStatus(this.job);
			}
			if (JobConditions.isFinished(this.job) && this.spec.getTtlSecondsAfterFinished() != null) {
				return expireIfDue(this.job);
			}
			return this.requeue == null ? Result.done() : Result.requeueAfter(this.requeue);
		}

		/**
		 * The Job finished: its active pods go, and their finalizers with them in this
		 * sync (the next sees a finished Job); counted as failed when the Job failed.
		 */
		private void deleteFinishing(boolean failedJob) {
			deleteAll(this.active);
			this.active.forEach((pod) -> this.tracking.deleted(pod, failedJob));
			this.active.clear();
		}

		/**
		 * {@link JobTracking}'s three steps: the uncounted uids written, the finalizers
		 * removed, the counters moved (written with the rest of the status after).
		 */
		private void trackFinishedPods(JobStatus before) {
			if (this.tracking.needsFlush()) {
				JobStatus flush = Serialization.clone(before);
				this.tracking.writeUncounted(flush, before);
				flush.setCompletedIndexes(this.status.getCompletedIndexes());
				Job write = Serialization.clone(this.job);
				write.setStatus(flush);
				Job stored = JobSync.this.jobControl.updateStatus(write);
				if (stored != null) {
					this.job.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
				}
			}
			Set<String> released = release(this.tracking.toRelease());
			this.tracking.count(this.status, released);
			this.tracking.writeUncounted(this.status, before);
			if (this.tracking.deferred()) {
				remember(Duration.ZERO);
			}
		}

		private void manageActivePods(int succeeded, SortedSet<Integer> completedIndexes) {
			if (this.indexed) {
				List<Pod> surplus = SurplusIndexedPods.of(this.active, completionsOrZero());
				if (!surplus.isEmpty()) {
					// Replacements come once the deletions are observed.
					deleteAll(surplus);
					this.active.removeAll(surplus);
					return;
				}
			}
			int wanted;
			if (this.completions == null) {
				// A work queue: once one pod succeeded, no new ones; the others finish.
				wanted = succeeded > 0 ? 0 : this.parallelism;
			}
			else {
				wanted = Math.max(0, Math.min(this.parallelism, this.completions - succeeded));
			}
			if (this.active.size() > wanted) {
				List<Pod> victims = new ArrayList<>(this.active);
				// Least valuable first: not ready, then the newest.
				victims.sort(Comparator.comparing(PodStates::isReady)
					.thenComparing((Pod p) -> p.getMetadata().getCreationTimestamp(),
							Comparator.nullsFirst(Comparator.reverseOrder())));
				List<Pod> doomed = victims.subList(0, this.active.size() - wanted);
				deleteAll(List.copyOf(doomed));
				this.active.removeAll(List.copyOf(doomed));
				return;
			}
			int missing = wanted - this.active.size();
			if (missing == 0) {
				return;
			}
			Duration wait = remainingBackoff();
			if (!wait.isZero()) {
				remember(wait);
				return;
			}
			List<Integer> indexes = this.indexed ? freeIndexes(completedIndexes, missing) : null;
			int creations = this.indexed ? indexes.size() : missing;
			JobSync.this.expectations.expect(this.key, creations, 0);
			for (int i = 0; i < creations; i++) {
				Pod pod = newPod(this.indexed ? indexes.get(i) : -1);
				try {
					Pod created = JobSync.this.jobControl.createPod(pod);
					this.active.add(created);
					JobSync.this.events.event(this.job, EventRecorder.NORMAL, "SuccessfulCreate",
							"Created pod: " + created.getMetadata().getName());
				}
				catch (RuntimeException ex) {
					// A failed create will never be observed.
					JobSync.this.expectations.creationObserved(this.key);
					JobSync.this.events.event(this.job, EventRecorder.WARNING, "FailedCreate",
							"Error creating: " + ex.getMessage());
					throw ex;
				}
			}
		}

		/** The lowest indexes neither completed nor running. */
		private List<Integer> freeIndexes(SortedSet<Integer> completed, int count) {
			Set<Integer> running = new HashSet<>();
			for (Pod pod : this.active) {
				running.add(CompletionIndexes.of(pod, completionsOrZero()));
			}
			List<Integer> free = new ArrayList<>();
			for (int i = 0; i < completionsOrZero() && free.size() < count; i++) {
				if (!completed.contains(i) && !running.contains(i)) {
					free.add(i);
				}
			}
			return free;
		}

		private Pod newPod(int index) {
			Pod pod = PodTemplates.podFromTemplate(this.spec.getTemplate(), this.job);
			pod.getMetadata().getFinalizers().add(JobTracking.FINALIZER);
			String name = this.job.getMetadata().getName();
			if (index < 0) {
				pod.getMetadata().setGenerateName(name + "-");
				return pod;
			}
			String value = Integer.toString(index);
			pod.getMetadata().setGenerateName(name + "-" + value + "-");
			pod.getMetadata().getAnnotations().put(CompletionIndexes.ANNOTATION, value);
			pod.getMetadata().getLabels().put(CompletionIndexes.ANNOTATION, value);
			if (pod.getSpec().getHostname() == null) {
				pod.getSpec().setHostname(name + "-" + value);
			}
			EnvVar env = new EnvVarBuilder().withName(CompletionIndexes.ENV)
				.withNewValueFrom()
				.withNewFieldRef()
				.withFieldPath("metadata.annotations['" + CompletionIndexes.ANNOTATION + "']")
				.endFieldRef()
				.endValueFrom()
				.build();
			pod.getSpec().getContainers().forEach(c -> c.getEnv().add(env));
			if (pod.getSpec().getInitContainers() != null) {
				pod.getSpec().getInitContainers().forEach(c -> c.getEnv().add(env));
			}
			return pod;
		}

		/**
		 * Kubernetes' pod failure backoff: 10 s after the first failure since the last
		 * success, doubled for each further one, counted from the last failure's finish.
		 */
		private Duration remainingBackoff() {
			Instant lastSuccess = this.succeededPods.stream()
				.map(JobSync::finishedAt)
				.max(Comparator.naturalOrder())
				.orElse(Instant.MIN);
			List<Instant> failures = this.countedFailures.stream()
				.map(JobSync::finishedAt)
				.filter(t -> t.isAfter(lastSuccess))
				.sorted()
				.toList();
			if (failures.isEmpty()) {
				return Duration.ZERO;
			}
			Instant ready = failures.get(failures.size() - 1).plus(JobSync.this.settings.backoffAfter(failures.size()));
			return this.now.isBefore(ready) ? Duration.between(this.now, ready) : Duration.ZERO;
		}

		private boolean pastActiveDeadline(boolean suspended) {
			Long deadline = this.spec.getActiveDeadlineSeconds();
			if (deadline == null || suspended || this.status.getStartTime() == null) {
				return false;
			}
			return !this.now.isBefore(Instant.parse(this.status.getStartTime()).plusSeconds(deadline));
		}

		private void scheduleDeadlineCheck() {
			Long deadline = this.spec.getActiveDeadlineSeconds();
			if (deadline != null && this.status.getStartTime() != null) {
				Instant at = Instant.parse(this.status.getStartTime()).plusSeconds(deadline);
				remember(this.now.isBefore(at) ? Duration.between(this.now, at) : Duration.ZERO);
			}
		}

		private void remember(Duration delay) {
			if (this.requeue == null || delay.compareTo(this.requeue) < 0) {
				this.requeue = delay;
			}
		}

		private boolean isComplete(int succeeded) {
			if (this.completions == null) {
				return succeeded > 0 && this.active.isEmpty();
			}
			return succeeded >= this.completions;
		}

		private int backoffLimit() {
			return this.spec.getBackoffLimit() == null ? 6 : this.spec.getBackoffLimit();
		}

		private int completionsOrZero() {
			return this.completions == null ? 0 : this.completions;
		}

		private void deleteAll(List<Pod> pods) {
			if (pods.isEmpty()) {
				return;
			}
			JobSync.this.expectations.expect(this.key, 0, pods.size());
			for (Pod pod : pods) {
				try {
					JobSync.this.jobControl.deletePod(pod);
					JobSync.this.events.event(this.job, EventRecorder.NORMAL, "SuccessfulDelete",
							"Deleted pod: " + pod.getMetadata().getName());
				}
				catch (RuntimeException ex) {
					JobSync.this.expectations.deletionObserved(this.key);
					throw ex;
				}
			}
		}

	}

	/**
	 * When a pod finished: its containers' latest termination, else the Ready condition
	 * turning false, else its creation (Kubernetes' {@code getFinishedTime}).
	 */
	static Instant finishedAt(Pod pod) {
		Instant latest = null;
		if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
			for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
				if (status.getState() != null && status.getState().getTerminated() != null
						&& status.getState().getTerminated().getFinishedAt() != null) {
					Instant at = Instant.parse(status.getState().getTerminated().getFinishedAt());
					latest = latest == null || at.isAfter(latest) ? at : latest;
				}
			}
		}
		if (latest != null) {
			return latest;
		}
		PodCondition ready = PodStates.readyCondition(pod);
		if (ready != null && "False".equals(ready.getStatus()) && ready.getLastTransitionTime() != null) {
			return Instant.parse(ready.getLastTransitionTime());
		}
		String created = pod.getMetadata().getCreationTimestamp();
		return created == null ? Instant.EPOCH : Instant.parse(created);
	}

	private static int intOf(Integer value) {
		return value == null ? 0 : value;
	}

	static String keyOf(Job job) {
		return Keys.of(job);
	}

}
