package io.stevedore.controller.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.replicaset.RecordingEventRecorder;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.RecordingCanAdopt;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobSyncTest {

	private static final String UID = "job-uid";

	private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final Map<String, Job> jobs = new HashMap<>();

	private final List<Pod> pods = new ArrayList<>();

	private final FakeJobControl control = new FakeJobControl();

	private final ControllerExpectations expectations = new ControllerExpectations(this.clock);

	private final RecordingCanAdopt canAdopt = new RecordingCanAdopt();

	private final FinalizerRemovals removals = new FinalizerRemovals();

	private final RecordingEventRecorder events = new RecordingEventRecorder();

	private final JobSync sync = new JobSync(this.jobs::get, (job) -> List.copyOf(this.pods), this.control,
			this.expectations, this.removals, JobSettings.defaults(), this.clock, this.canAdopt, this.events);

	@Test
	void aNewJobGetsParallelismPodsLabelledAndOwnedByIt() {
		givenJob(job(3, 2));

		this.sync.reconcile("team/pi");

		assertThat(this.control.created).hasSize(2).allSatisfy(pod -> {
			assertThat(pod.getMetadata().getGenerateName()).isEqualTo("pi-");
			assertThat(pod.getMetadata().getLabels()).containsEntry("batch.kubernetes.io/job-name", "pi");
			assertThat(ControllerRefs.controllerOf(pod).getUid()).isEqualTo(UID);
		});
		assertThat(this.control.status().getActive()).isEqualTo(2);
		assertThat(this.control.status().getStartTime()).isEqualTo("2026-01-01T00:00:00Z");
		assertThat(this.events.events).containsExactly("Normal SuccessfulCreate Created pod: pi-x1",
				"Normal SuccessfulCreate Created pod: pi-x2");
	}

	@Test
	void podsCreatedButNotYetSeenAreNotCreatedAgain() {
		givenJob(job(3, 2));
		this.sync.reconcile("team/pi");

		this.sync.reconcile("team/pi");

		assertThat(this.control.created).hasSize(2);
	}

	@Test
	void theLastPodsAreCreatedOnlyForTheCompletionsStillMissing() {
		givenJob(job(3, 2));
		this.pods.add(pod("a", "Succeeded"));
		this.pods.add(pod("b", "Succeeded"));

		this.sync.reconcile("team/pi");

		assertThat(this.control.created).hasSize(1);
	}

	@Test
	void aJobWhosePodsReachedCompletionsIsCompleteWithCompletionTime() {
		givenJob(job(3, 2));
		this.pods.add(pod("a", "Succeeded"));
		this.pods.add(pod("b", "Succeeded"));
		this.pods.add(pod("c", "Succeeded"));

		this.sync.reconcile("team/pi");

		assertThat(this.control.status().getSucceeded()).isEqualTo(3);
		assertThat(this.control.status().getCompletionTime()).isEqualTo("2026-01-01T00:00:00Z");
		assertThat(condition("Complete").getReason()).isEqualTo("CompletionsReached");
		assertThat(this.control.created).isEmpty();
		assertThat(this.events.events).containsExactly("Normal Completed Job completed");
	}

	@Test
	void aFailedPodIsReplacedOnlyAfterTheBackoffDelay() {
		givenJob(job(1, 1));
		this.pods.add(failedPod("a", "2026-01-01T00:00:00Z"));

		Result result = this.sync.reconcile("team/pi");

		assertThat(this.control.created).isEmpty();
		assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(10));
		assertThat(this.control.status().getFailed()).isEqualTo(1);

		this.clock.advance(Duration.ofSeconds(10));
		this.sync.reconcile("team/pi");

		assertThat(this.control.created).hasSize(1);
	}

	@Test
	void theBackoffDoublesWithEachFailureSinceTheLastSuccess() {
		givenJob(job(1, 1));
		this.pods.add(failedPod("a", "2025-12-31T23:59:00Z"));
		this.pods.add(failedPod("b", "2026-01-01T00:00:00Z"));

		Result result = this.sync.reconcile("team/pi");

		assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(20));
	}

	@Test
	void moreFailuresThanTheBackoffLimitFailTheJobAndDeleteItsActivePods() {
		Job job = job(2, 2);
		job.getSpec().setBackoffLimit(1);
		givenJob(job);
		this.pods.add(failedPod("a", "2026-01-01T00:00:00Z"));
		this.pods.add(failedPod("b", "2026-01-01T00:00:00Z"));
		this.pods.add(pod("c", "Running"));

		this.sync.reconcile("team/pi");

		JobCondition failed = condition("Failed");
		assertThat(failed.getStatus()).isEqualTo("True");
		assertThat(failed.getReason()).isEqualTo("BackoffLimitExceeded");
		assertThat(failed.getMessage()).isEqualTo("Job has reached the specified backoff limit");
		assertThat(this.control.deleted).containsExactly("c");
		assertThat(this.control.status().getActive()).isZero();
		assertThat(this.events.events).containsExactly("Normal SuccessfulDelete Deleted pod: c",
				"Warning BackoffLimitExceeded Job has reached the specified backoff limit");
	}

	@Test
	void aJobActiveLongerThanItsDeadlineFailsWithDeadlineExceeded() {
		Job job = job(1, 1);
		job.getSpec().setActiveDeadlineSeconds(30L);
		job.setStatus(
				new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withStartTime("2025-12-31T23:59:00Z")
					.build());
		givenJob(job);
		this.pods.add(pod("a", "Running"));

		this.sync.reconcile("team/pi");

		assertThat(condition("Failed").getReason()).isEqualTo("DeadlineExceeded");
		assertThat(this.control.deleted).containsExactly("a");
		assertThat(this.events.events)
			.contains("Warning DeadlineExceeded Job was active longer than specified deadline");
	}

	@Test
	void aJobWithinItsDeadlineLooksAgainWhenTheDeadlineComes() {
		Job job = job(1, 1);
		job.getSpec().setActiveDeadlineSeconds(30L);
		givenJob(job);
		this.pods.add(pod("a", "Running"));

		assertThat(this.sync.reconcile("team/pi").requeueAfter()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void aSuspendedJobDeletesItsActivePodsAndSaysSo() {
		Job job = job(1, 1);
		job.getSpec().setSuspend(true);
		givenJob(job);
		this.pods.add(pod("a", "Running"));

		this.sync.reconcile("team/pi");

		assertThat(this.control.deleted).containsExactly("a");
		assertThat(condition("Suspended").getReason()).isEqualTo("JobSuspended");
		assertThat(this.control.created).isEmpty();
		assertThat(this.events.events).containsExactly("Normal SuccessfulDelete Deleted pod: a",
				"Normal Suspended Job suspended");
		// Said once: the next sync of the still suspended Job is quiet.
		job.setStatus(this.control.status());
		this.pods.clear();
		this.sync.reconcile("team/pi");
		assertThat(this.events.events).hasSize(2);
	}

	@Test
	void anIndexedJobRunsOnePodPerMissingIndexWithIndexAnnotationHostnameAndEnv() {
		Job job = job(3, 3);
		job.getSpec().setCompletionMode("Indexed");
		givenJob(job);
		Pod done = pod("done", "Succeeded");
		done.getMetadata().setAnnotations(Map.of("batch.kubernetes.io/job-completion-index", "1"));
		this.pods.add(done);

		this.sync.reconcile("team/pi");

		assertThat(this.control.created)
			.extracting(p -> p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index"))
			.containsExactly("0", "2");
		Pod first = this.control.created.get(0);
		assertThat(first.getMetadata().getGenerateName()).isEqualTo("pi-0-");
		assertThat(first.getMetadata().getLabels()).containsEntry("batch.kubernetes.io/job-completion-index", "0");
		assertThat(first.getSpec().getHostname()).isEqualTo("pi-0");
		assertThat(first.getSpec().getContainers().get(0).getEnv())
			.anySatisfy(env -> assertThat(env.getName()).isEqualTo("JOB_COMPLETION_INDEX"));
		assertThat(this.control.status().getCompletedIndexes()).isEqualTo("1");
	}

	@Test
	void anIndexedJobDeletesAnAdoptedPodWithoutIndexAndTheLessValuableOfTwoPodsOfOneIndex() {
		Job job = job(2, 2);
		job.getSpec().setCompletionMode("Indexed");
		givenJob(job);
		Pod adopted = orphan(pod("adopted", "Running"));
		Pod readyZero = indexed(pod("zero-ready", "Running"), "0");
		readyZero.setSpec(new io.fabric8.kubernetes.api.model.PodSpecBuilder().withNodeName("n").build());
		readyZero.getStatus()
			.setConditions(List.of(new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("Ready")
				.withStatus("True")
				.build()));
		Pod pendingZero = indexed(pod("zero-pending", "Pending"), "0");
		this.pods.add(adopted);
		this.pods.add(pendingZero);
		this.pods.add(readyZero);

		this.sync.reconcile("team/pi");

		assertThat(this.control.patched).containsOnlyKeys("adopted");
		assertThat(this.control.deleted).containsExactlyInAnyOrder("adopted", "zero-pending");
		assertThat(this.control.created).as("index 1 once the deletions are observed").isEmpty();
		assertThat(this.control.status().getActive()).isEqualTo(1);
	}

	@Test
	void anIndexedJobCompletesWhenEveryIndexSucceeded() {
		Job job = job(3, 3);
		job.getSpec().setCompletionMode("Indexed");
		job.setStatus(
				new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withCompletedIndexes("0-1").build());
		givenJob(job);
		Pod last = pod("last", "Succeeded");
		last.getMetadata().setAnnotations(Map.of("batch.kubernetes.io/job-completion-index", "2"));
		this.pods.add(last);

		this.sync.reconcile("team/pi");

		assertThat(this.control.status().getCompletedIndexes()).isEqualTo("0-2");
		assertThat(condition("Complete").getStatus()).isEqualTo("True");
	}

	@Test
	void aPodFailurePolicyFailJobRuleFailsTheJobAtOnce() {
		Job job = job(1, 1);
		job.getSpec()
			.setPodFailurePolicy(new io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder().addNewRule()
				.withAction("FailJob")
				.withNewOnExitCodes()
				.withOperator("In")
				.withValues(42)
				.endOnExitCodes()
				.endRule()
				.build());
		givenJob(job);
		Pod failed = failedPod("a", "2026-01-01T00:00:00Z");
		failed.getStatus().getContainerStatuses().get(0).getState().getTerminated().setExitCode(42);
		this.pods.add(failed);

		this.sync.reconcile("team/pi");

		assertThat(condition("Failed").getReason()).isEqualTo("PodFailurePolicy");
		assertThat(condition("Failed").getMessage())
			.isEqualTo("Container app for pod team/a failed with exit code 42 matching FailJob rule at index 0");
	}

	@Test
	void aFinishedJobIsDeletedOnceItsTtlRunsOut() {
		Job job = job(1, 1);
		job.getSpec().setTtlSecondsAfterFinished(60);
		job.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().addNewCondition()
			.withType("Complete")
			.withStatus("True")
			.withLastTransitionTime("2026-01-01T00:00:00Z")
			.endCondition()
			.build());
		givenJob(job);

		assertThat(this.sync.reconcile("team/pi").requeueAfter()).isEqualTo(Duration.ofSeconds(60));
		assertThat(this.control.deletedJobs).isEmpty();

		this.clock.advance(Duration.ofSeconds(60));
		this.sync.reconcile("team/pi");

		assertThat(this.control.deletedJobs).containsExactly("pi");
	}

	@Test
	void aWorkQueueJobWithoutCompletionsCompletesWhenAPodSucceededAndNoneRuns() {
		Job job = job(1, 2);
		job.getSpec().setCompletions(null);
		givenJob(job);
		this.pods.add(pod("a", "Succeeded"));

		this.sync.reconcile("team/pi");

		assertThat(condition("Complete").getStatus()).isEqualTo("True");
		assertThat(this.control.created).isEmpty();
	}

	@Test
	void anOrphanTheSelectorMatchesIsAdoptedAndCountedActiveInsteadOfCreatingAPod() {
		givenJob(job(1, 1));
		this.pods.add(orphan(pod("loose", "Running")));

		this.sync.reconcile("team/pi");

		assertThat(this.canAdopt.asked).containsExactly("pi");
		assertThat(this.control.patched.get("loose")).singleElement().satisfies(ref -> {
			assertThat(ref.getUid()).isEqualTo(UID);
			assertThat(ref.getController()).isTrue();
			assertThat(ref.getBlockOwnerDeletion()).isTrue();
		});
		assertThat(this.control.created).isEmpty();
		assertThat(this.control.status().getActive()).isEqualTo(1);
	}

	@Test
	void adoptingAnOrphanAddsTheTrackingFinalizerInTheSamePatchAsTheOwnerReference() {
		givenJob(job(1, 1));
		Pod loose = orphan(pod("loose", "Running"));
		loose.getMetadata().getFinalizers().add("example.com/keep");
		this.pods.add(loose);

		this.sync.reconcile("team/pi");

		assertThat(this.control.patchedFinalizers.get("loose")).containsExactly("example.com/keep",
				"batch.kubernetes.io/job-tracking");
	}

	@Test
	void releasingAPodRemovesTheTrackingFinalizerInTheSamePatch() {
		givenJob(job(1, 1));
		Pod relabelled = pod("debug", "Running");
		relabelled.getMetadata().setLabels(Map.of("app", "debug"));
		this.pods.add(relabelled);

		this.sync.reconcile("team/pi");

		assertThat(this.control.patchedFinalizers.get("debug")).isEmpty();
	}

	@Test
	void adoptedFinishedOrphansAreCountedOnceTheAdoptionsFinalizerIsSeen() {
		givenJob(job(2, 1));
		this.pods.add(orphan(pod("done", "Succeeded")));
		this.pods.add(orphan(failedPod("broke", "2025-12-31T23:00:00Z")));

		this.sync.reconcile("team/pi");

		assertThat(this.control.patched).containsOnlyKeys("done", "broke");
		assertThat(this.control.status().getSucceeded()).as("not tracked yet in this sync").isZero();
		this.pods.replaceAll(pod -> tracked(adoptedBy(pod)));
		givenJob(this.control.updated);

		this.sync.reconcile("team/pi");

		assertThat(this.control.status().getSucceeded()).isEqualTo(1);
		assertThat(this.control.status().getFailed()).isEqualTo(1);
		assertThat(this.control.log).contains("release done", "release broke");
	}

	@Test
	void finishedPodsWithoutTheFinalizerAreNotCountedAgain() {
		Job job = job(5, 1);
		job.setStatus(new JobStatusBuilder().withSucceeded(1).withFailed(1).build());
		givenJob(job);
		this.pods.add(untracked(pod("counted", "Succeeded")));
		this.pods.add(untracked(pod("counted-too", "Succeeded")));
		this.pods.add(untracked(failedPod("failed-counted", "2025-12-31T23:00:00Z")));
		this.pods.add(untracked(failedPod("failed-counted-too", "2025-12-31T23:00:00Z")));

		this.sync.reconcile("team/pi");

		assertThat(this.control.status().getSucceeded()).isEqualTo(1);
		assertThat(this.control.status().getFailed()).isEqualTo(1);
		assertThat(this.control.log).noneMatch(line -> line.startsWith("release"));
	}

	@Test
	void aFinishedPodIsCountedOnceAcrossARestartAtEveryStepOfItsTracking() {
		// Crashed after step 1: the uid is uncounted, the pod still holds the finalizer.
		Job job = job(5, 1);
		job.setStatus(new JobStatusBuilder().withSucceeded(0)
			.withNewUncountedTerminatedPods()
			.addToSucceeded("uid-a")
			.endUncountedTerminatedPods()
			.build());
		givenJob(job);
		this.pods.add(pod("a", "Succeeded"));

		restartedSync().reconcile("team/pi");

		assertThat(this.control.log).containsExactly("release a", "status succeeded=1 failed=0 uncounted=[]/[]");

		// Crashed after step 2: the finalizer is gone, the uid still uncounted.
		this.control.log.clear();
		givenJob(job);
		this.pods.replaceAll(JobSyncTest::untracked);

		restartedSync().reconcile("team/pi");

		assertThat(this.control.log).containsExactly("status succeeded=1 failed=0 uncounted=[]/[]");

		// After step 3: counted, the pod without its finalizer adds nothing.
		this.control.log.clear();
		givenJob(this.control.updated);

		restartedSync().reconcile("team/pi");

		assertThat(this.control.status().getSucceeded()).isEqualTo(1);
	}

	@Test
	void anIndexedJobCountsTheIndexOfASucceededPodOnlyWhileItHoldsTheFinalizer() {
		Job job = job(3, 1);
		job.getSpec().setCompletionMode("Indexed");
		job.setStatus(new JobStatusBuilder().withCompletedIndexes("0").withSucceeded(1).build());
		givenJob(job);
		this.pods.add(untracked(indexed(pod("zero", "Succeeded"), "0")));
		this.pods.add(untracked(indexed(pod("one-counted-elsewhere", "Succeeded"), "1")));
		this.pods.add(indexed(pod("two", "Succeeded"), "2"));

		this.sync.reconcile("team/pi");

		assertThat(this.control.status().getCompletedIndexes()).isEqualTo("0,2");
		assertThat(this.control.status().getSucceeded()).isEqualTo(2);
	}

	@Test
	void orphansTheSelectorDoesNotMatchAndPodsOfOtherJobsAreNotCounted() {
		givenJob(job(1, 1));
		Pod unrelated = orphan(pod("unrelated", "Running"));
		unrelated.getMetadata().setLabels(Map.of("app", "web"));
		Pod theirs = pod("theirs", "Running");
		theirs.getMetadata().getOwnerReferences().get(0).setUid("other-uid");
		this.pods.add(unrelated);
		this.pods.add(theirs);

		this.sync.reconcile("team/pi");

		assertThat(this.control.patched).isEmpty();
		assertThat(this.control.created).hasSize(1);
	}

	@Test
	void aPodWhoseLabelsStoppedMatchingIsReleasedAndReplaced() {
		givenJob(job(1, 1));
		Pod relabelled = pod("debug", "Running");
		relabelled.getMetadata().setLabels(Map.of("app", "debug"));
		this.pods.add(relabelled);

		this.sync.reconcile("team/pi");

		assertThat(this.control.patched.get("debug")).isEmpty();
		assertThat(this.control.created).hasSize(1);
		assertThat(this.control.status().getActive()).isEqualTo(1);
	}

	@Test
	void aJobTheFreshReadFindsGoneAdoptsNothingAndFailsTheSyncBeforeActing() {
		givenJob(job(1, 1));
		this.pods.add(orphan(pod("loose", "Running")));
		this.canAdopt.refuse("team/pi has just been deleted at 2026-01-01T00:00:00Z");

		assertThatThrownBy(() -> this.sync.reconcile("team/pi")).hasMessageContaining("can't adopt Pod team/loose");

		assertThat(this.control.patched).isEmpty();
		assertThat(this.control.created).isEmpty();
		assertThat(this.control.updated).isNull();
	}

	@Test
	void everyPodTheJobCreatesCarriesTheTrackingFinalizer() {
		givenJob(job(3, 2));

		this.sync.reconcile("team/pi");

		assertThat(this.control.created).allSatisfy(
				pod -> assertThat(pod.getMetadata().getFinalizers()).contains("batch.kubernetes.io/job-tracking"));
	}

	@Test
	void aFinishedTrackedPodIsWrittenUncountedThenLetGoThenCounted() {
		givenJob(job(2, 1));
		this.pods.add(tracked(pod("a", "Succeeded")));

		this.sync.reconcile("team/pi");

		assertThat(this.control.log).containsExactly("status succeeded=null failed=null uncounted=[uid-a]/[]",
				"release a", "status succeeded=1 failed=0 uncounted=none");
		assertThat(this.removals.pending("uid-a")).isTrue();
	}

	@Test
	void aLetGoPodTheCacheStillShowsWithTheFinalizerIsNotCountedTwice() {
		givenJob(job(3, 1));
		this.pods.add(tracked(pod("a", "Succeeded")));
		this.sync.reconcile("team/pi");
		givenJob(this.control.updated);
		this.control.log.clear();

		this.sync.reconcile("team/pi");

		assertThat(this.control.status().getSucceeded()).isEqualTo(1);
		assertThat(this.control.log).noneMatch(line -> line.startsWith("release"));
	}

	@Test
	void anUncountedPodDeletedMeanwhileIsCountedOnceWithoutARelease() {
		Job job = job(3, 1);
		job.setStatus(new JobStatusBuilder().withSucceeded(1)
			.withNewUncountedTerminatedPods()
			.addToSucceeded("uid-gone")
			.addToFailed("uid-failed-gone")
			.endUncountedTerminatedPods()
			.build());
		givenJob(job);
		this.pods.add(pod("running", "Running"));

		this.sync.reconcile("team/pi");

		assertThat(this.control.log).containsExactly("status succeeded=2 failed=1 uncounted=[]/[]");
	}

	@Test
	void aFailedReleaseLeavesThePodUncountedAndTheJobUnfinished() {
		givenJob(job(1, 1));
		this.pods.add(tracked(pod("a", "Succeeded")));
		this.control.releaseFailure = new IllegalStateException("apiserver down");

		assertThatThrownBy(() -> this.sync.reconcile("team/pi")).hasMessage("apiserver down");

		assertThat(this.control.log).containsExactly("status succeeded=null failed=null uncounted=[uid-a]/[]",
				"release a");
		assertThat(this.removals.pending("uid-a")).as("nothing to wait for").isFalse();
	}

	@Test
	void aRunningTrackedPodBeingDeletedCountsAsFailedAndLetsGo() {
		givenJob(job(1, 1));
		Pod deleted = tracked(pod("a", "Running"));
		deleted.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
		this.pods.add(deleted);

		this.sync.reconcile("team/pi");

		assertThat(this.control.log).containsSubsequence("status succeeded=null failed=null uncounted=[]/[uid-a]",
				"release a");
		assertThat(this.control.status().getFailed()).isEqualTo(1);
		assertThat(this.control.status().getUncountedTerminatedPods()).as("none left").isNull();
	}

	@Test
	void aJobThatCompletesLetsGoOfTheActivePodsItDeletesWithoutCountingThem() {
		givenJob(job(1, 2));
		this.pods.add(tracked(pod("done", "Succeeded")));
		this.pods.add(tracked(pod("extra", "Running")));

		this.sync.reconcile("team/pi");

		assertThat(this.control.deleted).containsExactly("extra");
		assertThat(this.control.log).containsExactly("status succeeded=null failed=null uncounted=[uid-done]/[]",
				"release done", "release extra", "status succeeded=1 failed=0 uncounted=none finished");
	}

	@Test
	void aJobThatFailsCountsTheActivePodsItDeletesAsFailedAndLetsThemGoAtOnce() {
		Job job = job(3, 2);
		job.getSpec().setBackoffLimit(0);
		givenJob(job);
		this.pods.add(tracked(failedPod("broken", "2026-01-01T00:00:00Z")));
		this.pods.add(tracked(pod("running", "Running")));

		this.sync.reconcile("team/pi");

		assertThat(this.control.deleted).containsExactly("running");
		assertThat(this.control.log).containsExactly(
				"status succeeded=null failed=null uncounted=[]/[uid-broken, uid-running]", "release broken",
				"release running", "status succeeded=0 failed=2 uncounted=none finished");
	}

	@Test
	void aFinishedOrDeletedJobLetsGoOfItsPodsStillHoldingTheFinalizer() {
		Job job = job(1, 1);
		job.setStatus(new JobStatusBuilder().build());
		JobConditions.set(job.getStatus(), JobConditions.COMPLETE, "True", "CompletionsReached", "done",
				this.clock.instant());
		givenJob(job);
		this.pods.add(tracked(pod("late", "Running")));
		this.pods.add(untracked(pod("untracked", "Running")));
		Pod theirs = tracked(pod("theirs", "Running"));
		theirs.getMetadata().getOwnerReferences().get(0).setUid("other");
		this.pods.add(theirs);

		this.sync.reconcile("team/pi");

		assertThat(this.control.log).containsExactly("release late");
	}

	@Test
	void aJobBeingDeletedLetsGoOfItsTrackedPods() {
		Job job = job(1, 1);
		job.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
		givenJob(job);
		this.pods.add(tracked(pod("a", "Running")));

		this.sync.reconcile("team/pi");

		assertThat(this.control.log).containsExactly("release a");
	}

	@Test
	void atMostFiveHundredFinishedPodsAreRecordedInOneSyncTheRestAtOnceAfterAndOnlyThenTheJobFinishes() {
		givenJob(job(501, 1));
		for (int i = 0; i < 501; i++) {
			this.pods.add(tracked(pod("p" + i, "Succeeded")));
		}

		Result result = this.sync.reconcile("team/pi");

		assertThat(this.control.log.get(0)).contains("uncounted=[uid-p0, ");
		assertThat(this.control.log).filteredOn(line -> line.startsWith("release")).hasSize(500);
		assertThat(this.control.status().getSucceeded()).isEqualTo(500);
		assertThat(this.control.created).as("the 501st is known, so no pod too many runs").isEmpty();
		assertThat(JobConditions.isFinished(this.control.updated)).as("not before every pod is counted").isFalse();
		assertThat(result.requeueAfter()).isEqualTo(Duration.ZERO);
		givenJob(this.control.updated);
		this.control.log.clear();
		this.pods.replaceAll(pod -> this.removals.pending(pod.getMetadata().getUid()) ? untracked(pod) : pod);
		this.pods.forEach(this.removals::observed);

		this.sync.reconcile("team/pi");

		assertThat(this.control.log).contains("release p500");
		assertThat(this.control.status().getSucceeded()).isEqualTo(501);
		assertThat(condition("Complete").getStatus()).isEqualTo("True");
	}

	private static Pod tracked(Pod pod) {
		pod.getMetadata().setUid("uid-" + pod.getMetadata().getName());
		pod.getMetadata().setFinalizers(new ArrayList<>(List.of("batch.kubernetes.io/job-tracking")));
		return pod;
	}

	/** A new controller's sync: nothing remembered in memory. */
	private JobSync restartedSync() {
		return new JobSync(this.jobs::get, (j) -> List.copyOf(this.pods), this.control,
				new ControllerExpectations(this.clock), new FinalizerRemovals(), JobSettings.defaults(), this.clock,
				this.canAdopt, this.events);
	}

	private static Pod adoptedBy(Pod pod) {
		pod.getMetadata()
			.setOwnerReferences(
					new ArrayList<>(List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder().withKind("Job")
						.withName("pi")
						.withUid(UID)
						.withController(true)
						.build())));
		return pod;
	}

	private static Pod indexed(Pod pod, String index) {
		pod.getMetadata().setAnnotations(Map.of("batch.kubernetes.io/job-completion-index", index));
		return pod;
	}

	/**
	 * An orphan: no owner, and no tracking finalizer (Kubernetes removes it from pods
	 * whose Job is gone).
	 */
	private static Pod orphan(Pod pod) {
		pod.getMetadata().setOwnerReferences(new ArrayList<>());
		return untracked(pod);
	}

	/** A pod without the tracking finalizer: counted already, or never tracked. */
	private static Pod untracked(Pod pod) {
		pod.getMetadata().setFinalizers(new ArrayList<>());
		return pod;
	}

	private void givenJob(Job job) {
		this.jobs.put("team/pi", job);
	}

	private JobCondition condition(String type) {
		return JobConditions.find(this.control.status(), type);
	}

	private static Job job(int completions, int parallelism) {
		return new JobBuilder().withApiVersion("batch/v1")
			.withKind("Job")
			.withNewMetadata()
			.withNamespace("team")
			.withName("pi")
			.withUid(UID)
			.endMetadata()
			.withNewSpec()
			.withCompletions(completions)
			.withParallelism(parallelism)
			.withBackoffLimit(6)
			.withCompletionMode("NonIndexed")
			.withNewSelector()
			.addToMatchLabels("batch.kubernetes.io/controller-uid", UID)
			.endSelector()
			.withNewTemplate()
			.withNewMetadata()
			.addToLabels("batch.kubernetes.io/job-name", "pi")
			.addToLabels("batch.kubernetes.io/controller-uid", UID)
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withImage("busybox")
			.endContainer()
			.withRestartPolicy("Never")
			.endSpec()
			.endTemplate()
			.endSpec()
			.build();
	}

	/** One of the Job's pods, as it creates them: with the tracking finalizer. */
	private static Pod pod(String name, String phase) {
		return new PodBuilder().withNewMetadata()
			.withNamespace("team")
			.withName(name)
			.withUid("uid-" + name)
			.addToFinalizers("batch.kubernetes.io/job-tracking")
			.withCreationTimestamp("2025-12-31T23:00:00Z")
			.addToLabels("batch.kubernetes.io/controller-uid", UID)
			.addNewOwnerReference()
			.withKind("Job")
			.withName("pi")
			.withUid(UID)
			.withController(true)
			.endOwnerReference()
			.endMetadata()
			.withNewStatus()
			.withPhase(phase)
			.endStatus()
			.build();
	}

	private static Pod failedPod(String name, String finishedAt) {
		Pod pod = pod(name, "Failed");
		pod.getStatus()
			.setContainerStatuses(List.of(new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName("app")
				.withNewState()
				.withNewTerminated()
				.withExitCode(1)
				.withFinishedAt(finishedAt)
				.endTerminated()
				.endState()
				.build()));
		return pod;
	}

}
