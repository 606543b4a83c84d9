package io.stevedore.controller.job;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.workload.ClientEventRecorder;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.FreshOwnerRead;
import io.stevedore.controller.workload.OwnedObjectHandler;
import io.stevedore.controller.workload.OwnerIndex;
import io.stevedore.controller.workload.SelectingOwners;

import org.springframework.stereotype.Component;

/**
 * Wires the Job controller: informers on Jobs and pods (pods enqueue their controlling
 * Job) feed {@link JobSync}; it also does the TTL-after-finished controller's work.
 */
@Component
public class JobController implements ControllerFactory {

	public static final String NAME = "job";

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-job-syncs default. */
	@Override
	public int defaultWorkers() {
		return 5;
	}

	@Override
	public RunningController start(ControllerContext context) {
		WorkQueue<String> queue = context.newQueue();
		ControllerExpectations expectations = new ControllerExpectations(context.clock());
		SharedIndexInformer<Job> jobs = context.informers().informer(Job.class);
		SharedIndexInformer<Pod> pods = context.informers().informer(Pod.class);
		context.informers().handle(jobs, EnqueueingHandler.byKey(queue));
		// An orphan pod wakes the Jobs that select it, so one adopts it.
		SelectingOwners<Job> selecting = new SelectingOwners<>(CacheLister.of(jobs),
				(job) -> job.getSpec().getSelector());
		context.informers().handle(pods, new OwnedObjectHandler<>("Job", queue, expectations, selecting::keysFor));
		FinalizerRemovals removals = new FinalizerRemovals();
		JobControl control = new ClientJobControl(context.client());
		JobSync sync = new JobSync((key) -> jobs.getStore().getByKey(key), OwnerIndex.claimCandidates(pods), control,
				expectations, removals, JobSettings.defaults(), context.clock(), new FreshOwnerRead(context.client()),
				new ClientEventRecorder(context.client(), "job-controller", context.clock()));
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> jobs.hasSynced() && pods.hasSynced(), context.clock());
		// Kubernetes' orphan pod queue: tracked pods no running Job will count.
		WorkQueue<String> orphans = context.newQueue();
		context.informers().handle(pods, TrackingFinalizerCleanup.podHandler(orphans, removals));
		context.informers().handle(jobs, TrackingFinalizerCleanup.jobHandler(orphans, pods));
		Controller cleanup = new Controller(NAME + "-orphan-pods", orphans,
				new TrackingFinalizerCleanup((key) -> pods.getStore().getByKey(key),
						(key) -> jobs.getStore().getByKey(key), control, removals),
				1, () -> jobs.hasSynced() && pods.hasSynced(), context.clock());
		controller.start();
		cleanup.start();
		return () -> {
			cleanup.stop();
			controller.stop();
		};
	}

}
