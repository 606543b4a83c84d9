package io.stevedore.controller.job;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import io.stevedore.controller.workload.PodStates;

/**
 * Job tracking with finalizers, one sync's part (Kubernetes'
 * {@code trackJobStatusWithFinalizers}): the Job controller creates its pods with the
 * {@code batch.kubernetes.io/job-tracking} finalizer, so a finished pod cannot disappear
 * before the Job counted it. For each finished pod still holding the finalizer:
 * <ol>
 * <li>its uid goes into {@code status.uncountedTerminatedPods} (succeeded or failed),
 * written before anything else;</li>
 * <li>then its finalizer is removed;</li>
 * <li>then the uids whose pods no longer hold the finalizer (removed, or the pod is gone)
 * move from {@code uncountedTerminatedPods} into {@code status.succeeded}/{@code failed},
 * in one status write, so a pod is counted exactly once.</li>
 * </ol>
 * A tracked pod being deleted before it succeeded counts as failed, as in Kubernetes (an
 * orphan or evicted pod may never reach the Failed phase), and so do the pods a failing
 * Job deletes. Pods whose finalizer this controller removed but whose update the cache
 * has not shown yet ({@link FinalizerRemovals}) are left alone, or they would be counted
 * twice.
 * <p>
 * Only pods holding the finalizer are counted (Kubernetes' {@code getNewFinishedPods}): a
 * finished pod without it was counted when its finalizer was removed, so it is never
 * counted again, across a controller restart too. The finalizer comes with every pod the
 * controller creates and with every orphan it adopts ({@link #afterClaim}); a pod it
 * releases loses it.
 */
final class JobTracking {

	static final String FINALIZER = "batch.kubernetes.io/job-tracking";

	/**
	 * Kubernetes' MaxUncountedPods: at most this many uids wait in the status, so the Job
	 * stays small; the pods past it wait for the next sync.
	 */
	static final int MAX_UNCOUNTED = 500;

	private final Set<String> succeeded = new LinkedHashSet<>();

	private final Set<String> failed = new LinkedHashSet<>();

	/** Uids of the pods seen still holding the finalizer. */
	private final Set<String> holding = new HashSet<>();

	private final List<Pod> release = new ArrayList<>();

	private final FinalizerRemovals removals;

	private boolean changed;

	private boolean deferred;

	/** Finished pods past {@link #MAX_UNCOUNTED}: recorded next sync, known now. */
	private int deferredSucceeded;

	private int deferredFailed;

	JobTracking(JobStatus status, FinalizerRemovals removals) {
		this.removals = removals;
		UncountedTerminatedPods uncounted = status.getUncountedTerminatedPods();
		if (uncounted != null) {
			if (uncounted.getSucceeded() != null) {
				this.succeeded.addAll(uncounted.getSucceeded());
			}
			if (uncounted.getFailed() != null) {
				this.failed.addAll(uncounted.getFailed());
			}
		}
	}

	static boolean isTracked(Pod pod) {
		return pod.getMetadata().getFinalizers() != null && pod.getMetadata().getFinalizers().contains(FINALIZER);
	}

	/**
	 * Whether a pod of the Job is still to be counted: it holds the finalizer and no
	 * removal of it is under way.
	 */
	boolean uncounted(Pod pod) {
		return isTracked(pod) && pod.getMetadata().getUid() != null
				&& !this.removals.pending(pod.getMetadata().getUid());
	}

	/**
	 * A pod's finalizers after the claim writes {@code ownerReferences}: with the
	 * tracking finalizer when the Job adopts it, without when the Job releases it
	 * (Kubernetes' PodControllerRefManager built with the finalizer).
	 */
	static List<String> afterClaim(Pod pod, List<OwnerReference> ownerReferences, String jobUid) {
		List<String> finalizers = new ArrayList<>(
				pod.getMetadata().getFinalizers() == null ? List.of() : pod.getMetadata().getFinalizers());
		boolean adopted = ownerReferences.stream()
			.anyMatch(ref -> jobUid.equals(ref.getUid()) && Boolean.TRUE.equals(ref.getController()));
		if (!adopted) {
			finalizers.remove(FINALIZER);
		}
		else if (!finalizers.contains(FINALIZER)) {
			finalizers.add(FINALIZER);
		}
		return finalizers;
	}

	/**
	 * Looks at one of the Job's pods.
	 * @param countsAsFailure a Failed (or deleted) pod counts toward failed: false when a
	 * pod failure policy rule says Ignore; its finalizer goes all the same
	 */
	void observe(Pod pod, boolean countsAsFailure) {
		String uid = pod.getMetadata().getUid();
		if (!isTracked(pod) || uid == null || this.removals.pending(uid)) {
			return;
		}
		this.holding.add(uid);
		String phase = PodStates.phase(pod);
		boolean succeededPod = "Succeeded".equals(phase);
		if (!succeededPod && !"Failed".equals(phase) && !PodStates.isTerminating(pod)) {
			return;
		}
		boolean known = this.succeeded.contains(uid) || this.failed.contains(uid);
		if (!known && this.succeeded.size() + this.failed.size() >= MAX_UNCOUNTED) {
			this.deferred = true;
			if (succeededPod) {
				this.deferredSucceeded++;
			}
			else if (countsAsFailure) {
				this.deferredFailed++;
			}
			return;
		}
		if (succeededPod && !known) {
			this.changed |= this.succeeded.add(uid);
		}
		else if (!succeededPod && countsAsFailure && !known) {
			this.changed |= this.failed.add(uid);
		}
		this.release.add(pod);
	}

	/** Whether finished pods were left for the next sync ({@link #MAX_UNCOUNTED}). */
	boolean deferred() {
		return this.deferred;
	}

	/**
	 * A pod the controller just deleted because the Job finished; its finalizer goes in
	 * this sync, as the next one sees a finished Job.
	 * @param countsAsFailure the Job failed: its unfinished pods count as failed (a Job
	 * that completed lets them go uncounted, as Kubernetes since its SuccessCriteriaMet)
	 */
	void deleted(Pod pod, boolean countsAsFailure) {
		String uid = pod.getMetadata().getUid();
		if (!isTracked(pod) || uid == null || this.removals.pending(uid)) {
			return;
		}
		this.holding.add(uid);
		if (countsAsFailure && !this.succeeded.contains(uid)) {
			this.changed |= this.failed.add(uid);
		}
		this.release.add(pod);
	}

	/**
	 * The succeeded pods not in {@code status.succeeded} yet: uncounted, and those past
	 * the cap, so a sync's decisions see every finished pod.
	 */
	int uncountedSucceeded() {
		return this.succeeded.size() + this.deferredSucceeded;
	}

	int uncountedFailed() {
		return this.failed.size() + this.deferredFailed;
	}

	/** Whether step 1 has uids to write before any finalizer is removed. */
	boolean needsFlush() {
		return this.changed;
	}

	/** The pods whose finalizer goes in step 2. */
	List<Pod> toRelease() {
		return this.release;
	}

	/** Step 1: the uncounted uids into the status. */
	void writeUncounted(JobStatus status, JobStatus before) {
		if (this.succeeded.isEmpty() && this.failed.isEmpty() && before.getUncountedTerminatedPods() == null) {
			// Nothing was ever uncounted: the status stays as the apiserver returns it.
			status.setUncountedTerminatedPods(null);
			return;
		}
		UncountedTerminatedPods uncounted = new UncountedTerminatedPods();
		uncounted.setFailed(new ArrayList<>(this.failed));
		uncounted.setSucceeded(new ArrayList<>(this.succeeded));
		status.setUncountedTerminatedPods(uncounted);
	}

	/**
	 * Step 3: the uids whose pods no longer hold the finalizer (released now, or seen
	 * without it, or gone) leave the uncounted lists for the counters.
	 * @param released uids whose finalizer was removed in this sync
	 */
	void count(JobStatus status, Set<String> released) {
		int succeededNow = moveCounted(this.succeeded, released);
		int failedNow = moveCounted(this.failed, released);
		status.setSucceeded((status.getSucceeded() == null ? 0 : status.getSucceeded()) + succeededNow);
		status.setFailed((status.getFailed() == null ? 0 : status.getFailed()) + failedNow);
	}

	private int moveCounted(Set<String> uncounted, Set<String> released) {
		int moved = 0;
		for (var it = uncounted.iterator(); it.hasNext();) {
			String uid = it.next();
			if (released.contains(uid) || !this.holding.contains(uid)) {
				it.remove();
				moved++;
			}
		}
		return moved;
	}

}
