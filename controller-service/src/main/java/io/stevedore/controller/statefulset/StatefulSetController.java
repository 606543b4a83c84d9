package io.stevedore.controller.statefulset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.workload.ClientEventRecorder;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.ClientRevisionWriter;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.FreshOwnerRead;
import io.stevedore.controller.workload.OwnedObjectHandler;
import io.stevedore.controller.workload.OwnerIndex;
import io.stevedore.controller.workload.SelectingOwners;

import org.springframework.stereotype.Component;

/**
 * Wires the StatefulSet controller: informers on StatefulSets, pods and
 * ControllerRevisions (both enqueue their set) feed {@link StatefulSetSync}.
 */
@Component
public class StatefulSetController implements ControllerFactory {

	public static final String NAME = "statefulset";

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-statefulset-syncs default. */
	@Override
	public int defaultWorkers() {
		return 5;
	}

	@Override
	public RunningController start(ControllerContext context) {
		WorkQueue<String> queue = context.newQueue();
		ControllerExpectations expectations = new ControllerExpectations(context.clock());
		SharedIndexInformer<StatefulSet> sets = context.informers().informer(StatefulSet.class);
		SharedIndexInformer<Pod> pods = context.informers().informer(Pod.class);
		SharedIndexInformer<ControllerRevision> revisions = context.informers().informer(ControllerRevision.class);
		context.informers().handle(sets, EnqueueingHandler.byKey(queue));
		// An orphan pod wakes the sets that select it, so one adopts it; orphan revisions
		// are adopted at the set's next sync, as in Kubernetes.
		SelectingOwners<StatefulSet> selecting = new SelectingOwners<>(CacheLister.of(sets),
				(set) -> set.getSpec().getSelector());
		context.informers()
			.handle(pods, new OwnedObjectHandler<>("StatefulSet", queue, expectations, selecting::keysFor));
		context.informers().handle(revisions, new OwnedObjectHandler<>("StatefulSet", queue, null));
		StatefulSetSync sync = new StatefulSetSync((key) -> sets.getStore().getByKey(key),
				OwnerIndex.claimCandidates(pods), OwnerIndex.claimCandidates(revisions),
				new ClientStatefulSetControl(context.client()), new ClientRevisionWriter(context.client()),
				expectations, context.clock(), new FreshOwnerRead(context.client()),
				new ClientEventRecorder(context.client(), "statefulset-controller", context.clock()));
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> sets.hasSynced() && pods.hasSynced() && revisions.hasSynced(), context.clock());
		controller.start();
		return () -> {
			controller.stop();
		};
	}

}
