package io.stevedore.controller.deployment;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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
import io.stevedore.controller.workload.FreshOwnerRead;
import io.stevedore.controller.workload.OwnerIndex;

import org.springframework.stereotype.Component;

/**
 * Wires the Deployment controller: informers on Deployments, ReplicaSets and pods feed
 * one queue of Deployment keys; {@link DeploymentSync} rolls each out.
 */
@Component
public class DeploymentController implements ControllerFactory {

	public static final String NAME = "deployment";

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-deployment-syncs default. */
	@Override
	public int defaultWorkers() {
		return 5;
	}

	@Override
	public RunningController start(ControllerContext context) {
		KubernetesClient client = context.client();
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<Deployment> dInformer = context.informers().informer(Deployment.class);
		SharedIndexInformer<ReplicaSet> rsInformer = context.informers().informer(ReplicaSet.class);
		SharedIndexInformer<Pod> podInformer = context.informers().informer(Pod.class);
		CacheLister<Deployment> deployments = CacheLister.of(dInformer);
		CacheLister<ReplicaSet> replicaSets = CacheLister.of(rsInformer);
		DeploymentEvents events = new DeploymentEvents(queue, deployments, replicaSets);
		context.informers().handle(dInformer, EnqueueingHandler.byKey(queue));
		context.informers().handle(rsInformer, events.replicaSetHandler());
		context.informers().handle(podInformer, events.podHandler());
		DeploymentSync sync = new DeploymentSync(deployments, replicaSets, OwnerIndex.claimCandidates(rsInformer),
				(uid) -> OwnerIndex.controlledBy(podInformer, uid), new ClientDeploymentWrites(client),
				new ClientEventRecorder(client, "deployment-controller", context.clock()), context.clock(),
				new FreshOwnerRead(client));
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> dInformer.hasSynced() && rsInformer.hasSynced() && podInformer.hasSynced(), context.clock());
		controller.start();
		return () -> {
			controller.stop();
		};
	}

}
