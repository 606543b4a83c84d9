package io.stevedore.controller.cronjob;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.workload.ClientEventRecorder;
import io.stevedore.controller.workload.OwnedObjectHandler;
import io.stevedore.controller.workload.OwnerIndex;

import org.springframework.stereotype.Component;

/**
 * Wires the CronJob controller: informers on CronJobs and Jobs (a Job enqueues its
 * CronJob) feed {@link CronJobSync}, which asks to be looked at again at the next
 * schedule time.
 */
@Component
public class CronJobController implements ControllerFactory {

	public static final String NAME = "cronjob";

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-cron-job-syncs default. */
	@Override
	public int defaultWorkers() {
		return 5;
	}

	@Override
	public RunningController start(ControllerContext context) {
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<CronJob> cronJobs = context.informers().informer(CronJob.class);
		SharedIndexInformer<Job> jobs = context.informers().informer(Job.class);
		context.informers().handle(cronJobs, EnqueueingHandler.byKey(queue));
		context.informers().handle(jobs, new OwnedObjectHandler<>("CronJob", queue, null));
		CronJobSync sync = new CronJobSync((key) -> cronJobs.getStore().getByKey(key),
				(uid) -> OwnerIndex.controlledBy(jobs, uid), new ClientCronJobControl(context.client()),
				context.clock(), new ClientEventRecorder(context.client(), "cronjob-controller", context.clock()));
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> cronJobs.hasSynced() && jobs.hasSynced(), context.clock());
		controller.start();
		return () -> {
			controller.stop();
		};
	}

}
