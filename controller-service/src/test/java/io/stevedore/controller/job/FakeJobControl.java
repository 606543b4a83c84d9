package io.stevedore.controller.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * A {@link JobControl} that records what the controller wrote, in order where it matters.
 */
final class FakeJobControl implements JobControl {

	final List<Pod> created = new ArrayList<>();

	final List<String> deleted = new ArrayList<>();

	final List<String> deletedJobs = new ArrayList<>();

	final Map<String, List<OwnerReference>> patched = new HashMap<>();

	/** The finalizers each claim write left a pod with. */
	final Map<String, List<String>> patchedFinalizers = new HashMap<>();

	/** The status writes and finalizer removals, in order. */
	final List<String> log = new ArrayList<>();

	RuntimeException releaseFailure;

	Job updated;

	io.fabric8.kubernetes.api.model.batch.v1.JobStatus status() {
		return this.updated.getStatus();
	}

	@Override
	public Pod createPod(Pod pod) {
		this.created.add(pod);
		if (pod.getMetadata().getName() == null) {
			// As the apiserver: a generated name.
			pod.getMetadata().setName(pod.getMetadata().getGenerateName() + "x" + this.created.size());
		}
		return pod;
	}

	@Override
	public void deletePod(Pod pod) {
		this.deleted.add(pod.getMetadata().getName());
	}

	@Override
	public void patchOwnerReferences(Pod pod, List<OwnerReference> ownerReferences, List<String> finalizers) {
		this.patched.put(pod.getMetadata().getName(), ownerReferences);
		this.patchedFinalizers.put(pod.getMetadata().getName(), finalizers);
	}

	@Override
	public Job updateStatus(Job job) {
		this.updated = job;
		var status = job.getStatus();
		var uncounted = status.getUncountedTerminatedPods();
		this.log.add("status succeeded=" + status.getSucceeded() + " failed=" + status.getFailed() + " uncounted="
				+ (uncounted == null ? "none" : uncounted.getSucceeded() + "/" + uncounted.getFailed())
				+ (JobConditions.isFinished(job) ? " finished" : ""));
		return job;
	}

	@Override
	public void removeTrackingFinalizer(Pod pod) {
		this.log.add("release " + pod.getMetadata().getName());
		if (this.releaseFailure != null) {
			throw this.releaseFailure;
		}
	}

	@Override
	public void deleteFinished(Job job) {
		this.deletedJobs.add(job.getMetadata().getName());
	}

}
