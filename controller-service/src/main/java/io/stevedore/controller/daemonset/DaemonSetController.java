package io.stevedore.controller.daemonset;

import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.controller.Keys;
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
 * Wires the DaemonSet controller: informers on DaemonSets, pods (enqueue their DaemonSet)
 * and nodes (a node joining, leaving or changing labels or taints enqueues every
 * DaemonSet) feed {@link DaemonSetSync}.
 */
@Component
public class DaemonSetController implements ControllerFactory {

	public static final String NAME = "daemonset";

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-daemonset-syncs default. */
	@Override
	public int defaultWorkers() {
		return 2;
	}

	@Override
	public RunningController start(ControllerContext context) {
		WorkQueue<String> queue = context.newQueue();
		ControllerExpectations expectations = new ControllerExpectations(context.clock());
		SharedIndexInformer<DaemonSet> daemonSets = context.informers().informer(DaemonSet.class);
		SharedIndexInformer<Pod> pods = context.informers().informer(Pod.class);
		SharedIndexInformer<Node> nodes = context.informers().informer(Node.class);
		SharedIndexInformer<ControllerRevision> revisions = context.informers().informer(ControllerRevision.class);
		context.informers().handle(daemonSets, EnqueueingHandler.byKey(queue));
		// An orphan pod wakes the DaemonSets that select it, so one adopts it.
		SelectingOwners<DaemonSet> selecting = new SelectingOwners<>(CacheLister.of(daemonSets),
				(ds) -> ds.getSpec().getSelector());
		context.informers()
			.handle(pods, new OwnedObjectHandler<>("DaemonSet", queue, expectations, selecting::keysFor));
		// Kubernetes' addHistory/updateHistory: a revision wakes its DaemonSet, an
		// orphan those that select it.
		context.informers().handle(revisions, new OwnedObjectHandler<>("DaemonSet", queue, null, selecting::keysFor));
		Runnable enqueueAll = () -> daemonSets.getStore().list().forEach(ds -> queue.add(Keys.of(ds)));
		context.informers().handle(nodes, new ResourceEventHandler<>() {
			@Override
			public void onAdd(Node node) {
				enqueueAll.run();
			}

			@Override
			public void onUpdate(Node oldNode, Node newNode) {
				// Heartbeats change only status: labels and taints are what matter.
				if (!java.util.Objects.equals(oldNode.getMetadata().getLabels(), newNode.getMetadata().getLabels())
						|| !java.util.Objects.equals(oldNode.getSpec(), newNode.getSpec())) {
					enqueueAll.run();
				}
			}

			@Override
			public void onDelete(Node node, boolean deletedFinalStateUnknown) {
				enqueueAll.run();
			}
		});
		DaemonSetSync sync = new DaemonSetSync((key) -> daemonSets.getStore().getByKey(key),
				() -> List.copyOf(nodes.getStore().list()), OwnerIndex.claimCandidates(pods),
				OwnerIndex.claimCandidates(revisions), new ClientDaemonSetControl(context.client()),
				new ClientRevisionWriter(context.client()), expectations, context.clock(),
				new FreshOwnerRead(context.client()),
				new ClientEventRecorder(context.client(), "daemonset-controller", context.clock()));
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> daemonSets.hasSynced() && pods.hasSynced() && nodes.hasSynced() && revisions.hasSynced(),
				context.clock());
		controller.start();
		return () -> {
			controller.stop();
		};
	}

}
