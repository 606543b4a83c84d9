package io.stevedore.controller.replicaset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.ClientEventRecorder;
import io.stevedore.controller.workload.ClientPodControl;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.FreshOwnerRead;
import io.stevedore.controller.workload.OwnerIndex;

import org.springframework.stereotype.Component;

/**
 * Wires the ReplicaSet controller: informers on ReplicaSets and pods feed one queue of
 * ReplicaSet keys; {@link ReplicaSetSync} keeps each at its replica count.
 */
@Component
public class ReplicaSetController implements ControllerFactory {

	public static final String NAME = "replicaset";

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-replicaset-syncs default. */
	@Override
	public int defaultWorkers() {
		return 5;
	}

	@Override
	public RunningController start(ControllerContext context) {
		KubernetesClient client = context.client();
		WorkQueue<String> queue = context.newQueue();
		ControllerExpectations expectations = new ControllerExpectations(context.clock());
		SharedIndexInformer<ReplicaSet> rsInformer = context.informers()
			.watch(ReplicaSet.class, EnqueueingHandler.byKey(queue));
		CacheLister<ReplicaSet> replicaSets = CacheLister.of(rsInformer);
		SharedIndexInformer<Pod> podInformer = context.informers()
			.watch(Pod.class, new PodEvents(queue, replicaSets, expectations));
		ReplicaSetSync sync = new ReplicaSetSync(replicaSets, OwnerIndex.claimCandidates(podInformer),
				new ClientPodControl(client), (rs, status) -> {
					ReplicaSet copy = new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder(rs).withStatus(status)
						.build();
					client.apps().replicaSets().resource(copy).updateStatus();
				}, expectations, new ClientEventRecorder(client, "replicaset-controller", context.clock()),
				context.clock(), new FreshOwnerRead(client));
		Controller controller = new Controller(NAME, queue, sync, context.workers(), context.informers()::hasSynced,
				context.clock());
		controller.start();
		return controller::stop;
	}

}
