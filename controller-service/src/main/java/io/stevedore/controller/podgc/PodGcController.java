package io.stevedore.controller.podgc;

import java.time.Duration;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Wires the pod garbage collector: informers on pods and Nodes feed one {@link PodGcSync}
 * pass every check period (Kubernetes runs it on a timer too, not on events). Settings:
 * {@code stevedore.controllers.podgc.terminated-pod-gc-threshold} (12500),
 * {@code quarantine} (40s), {@code check-period} (20s).
 */
@Component
public class PodGcController implements ControllerFactory {

	public static final String NAME = "podgc";

	private final PodGcSettings settings;

	public PodGcController(
			@Value("${stevedore.controllers.podgc.terminated-pod-gc-threshold:12500}") int terminatedPodThreshold,
			@Value("${stevedore.controllers.podgc.quarantine:40s}") Duration quarantine,
			@Value("${stevedore.controllers.podgc.check-period:20s}") Duration checkPeriod) {
		this.settings = new PodGcSettings(terminatedPodThreshold, quarantine, checkPeriod);
	}

	@Override
	public String name() {
		return NAME;
	}

	/** One pass covers every pod: a second worker would find nothing to do. */
	@Override
	public int defaultWorkers() {
		return 1;
	}

	@Override
	public RunningController start(ControllerContext context) {
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<Pod> pods = context.informers().informer(Pod.class);
		SharedIndexInformer<Node> nodes = context.informers().informer(Node.class);
		PodGcSync sync = new PodGcSync(() -> pods.getStore().list(), () -> nodes.getStore().list(),
				new ClientPodGcControl(context.client()), this.settings, context.clock());
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> pods.hasSynced() && nodes.hasSynced(), context.clock());
		controller.start();
		queue.add(PodGcSync.KEY);
		return () -> {
			controller.stop();
		};
	}

}
