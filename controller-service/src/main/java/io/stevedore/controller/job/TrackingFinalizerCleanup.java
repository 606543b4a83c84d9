package io.stevedore.controller.job;

import java.util.function.Function;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.OnDelete;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.OwnerIndex;

/**
 * Kubernetes' {@code handleOrphanPod} and {@code cleanupPodFinalizers}: a pod holding the
 * tracking finalizer that no running Job will count (it lost its controller, its Job is
 * gone or replaced, or finished) lets the finalizer go, so a deletion never waits for it.
 * Pods of another kind of controller are left alone. Keyed by pod {@code namespace/name}
 * on its own queue; the handlers only enqueue.
 */
final class TrackingFinalizerCleanup implements Reconciler {

	private final Function<String, Pod> pods;

	private final Function<String, Job> jobs;

	private final JobControl control;

	private final FinalizerRemovals removals;

	TrackingFinalizerCleanup(Function<String, Pod> pods, Function<String, Job> jobs, JobControl control,
			FinalizerRemovals removals) {
		this.pods = pods;
		this.jobs = jobs;
		this.control = control;
		this.removals = removals;
	}

	@Override
	public Result reconcile(String podKey) {
		Pod pod = this.pods.apply(podKey);
		if (pod == null || !JobTracking.isTracked(pod) || this.removals.pending(pod.getMetadata().getUid())
				|| countedByItsJob(pod)) {
			return Result.done();
		}
		this.removals.expect(pod.getMetadata().getUid());
		try {
			this.control.removeTrackingFinalizer(pod);
		}
		catch (RuntimeException ex) {
			this.removals.gone(pod);
			throw ex;
		}
		return Result.done();
	}

	/**
	 * Whether the pod is (or may be) counted by a Job: controlled by another kind, or by
	 * a Job of the cache with its uid that has not finished.
	 */
	private boolean countedByItsJob(Pod pod) {
		OwnerReference ref = ControllerRefs.controllerOf(pod);
		if (ref == null) {
			return false;
		}
		if (!"Job".equals(ref.getKind())) {
			return true;
		}
		Job job = this.jobs.apply(Keys.of(pod.getMetadata().getNamespace(), ref.getName()));
		return job != null && job.getMetadata().getUid().equals(ref.getUid()) && !JobConditions.isFinished(job);
	}

	/**
	 * Pod events: a tracked pod is looked at; the removals learn what the cache shows.
	 */
	static ResourceEventHandler<Pod> podHandler(WorkQueue<String> queue, FinalizerRemovals removals) {
		return new ResourceEventHandler<>() {
			@Override
			public void onAdd(Pod pod) {
				enqueueIfTracked(queue, pod);
			}

			@Override
			public void onUpdate(Pod oldPod, Pod newPod) {
				removals.observed(newPod);
				enqueueIfTracked(queue, newPod);
			}

			@Override
			public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
				removals.gone(pod);
			}
		};
	}

	/** A deleted Job: its tracked pods are looked at (Kubernetes' deleteJob). */
	static ResourceEventHandler<Job> jobHandler(WorkQueue<String> queue, SharedIndexInformer<Pod> pods) {
		return OnDelete.of((job) -> OwnerIndex.controlledBy(pods, job.getMetadata().getUid())
			.forEach((pod) -> enqueueIfTracked(queue, pod)));
	}

	private static void enqueueIfTracked(WorkQueue<String> queue, Pod pod) {
		if (JobTracking.isTracked(pod)) {
			queue.add(Keys.of(pod));
		}
	}

}
