package io.stevedore.controller.nodelifecycle;

import java.time.Duration;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.manager.SharedInformers;
import io.stevedore.controller.workload.ClientEventRecorder;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Wires the node lifecycle controller: informers on Nodes, their Leases in
 * {@code kube-node-lease} and pods (indexed by node) feed one {@link NodeLifecycleSync}
 * pass over all nodes, run on every node or Lease change and every monitor period.
 * Settings: {@code stevedore.controllers.node-lifecycle.grace-period} (8s),
 * {@code monitor-period} (1s), {@code eviction-rate} (0.1 nodes/s),
 * {@code secondary-eviction-rate} (0.01), {@code unhealthy-zone-threshold} (0.55),
 * {@code large-cluster-threshold} (50).
 */
@Component
public class NodeLifecycleController implements ControllerFactory {

	public static final String NAME = "nodelifecycle";

	static final String LEASE_NAMESPACE = "kube-node-lease";

	private final NodeLifecycleSettings settings;

	public NodeLifecycleController(
			@Value("${stevedore.controllers.node-lifecycle.grace-period:8s}") Duration gracePeriod,
			@Value("${stevedore.controllers.node-lifecycle.monitor-period:1s}") Duration monitorPeriod,
			@Value("${stevedore.controllers.node-lifecycle.eviction-rate:0.1}") double evictionRate,
			@Value("${stevedore.controllers.node-lifecycle.secondary-eviction-rate:0.01}") double secondaryRate,
			@Value("${stevedore.controllers.node-lifecycle.unhealthy-zone-threshold:0.55}") double unhealthyThreshold,
			@Value("${stevedore.controllers.node-lifecycle.large-cluster-threshold:50}") int largeClusterThreshold) {
		this.settings = new NodeLifecycleSettings(gracePeriod, monitorPeriod, evictionRate, secondaryRate,
				unhealthyThreshold, largeClusterThreshold);
	}

	@Override
	public String name() {
		return NAME;
	}

	/** One pass covers every node, so one worker (a second would find nothing to do). */
	@Override
	public int defaultWorkers() {
		return 1;
	}

	@Override
	public RunningController start(ControllerContext context) {
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<Node> nodes = context.informers().informer(Node.class);
		SharedIndexInformer<Lease> leases = context.client().leases().inNamespace(LEASE_NAMESPACE).runnableInformer(0);
		SharedIndexInformer<Pod> pods = context.informers().informer(Pod.class);
		ResourceEventHandler<Object> anyChange = new ResourceEventHandler<>() {
			@Override
			public void onAdd(Object object) {
				queue.add(NodeLifecycleSync.KEY);
			}

			@Override
			public void onUpdate(Object oldObject, Object newObject) {
				queue.add(NodeLifecycleSync.KEY);
			}

			@Override
			public void onDelete(Object object, boolean deletedFinalStateUnknown) {
				queue.add(NodeLifecycleSync.KEY);
			}
		};
		context.informers().handle(nodes, cast(anyChange));
		leases.addEventHandler(cast(anyChange));
		leases.start();
		NodeLifecycleSync sync = new NodeLifecycleSync(() -> nodes.getStore().list(),
				(node) -> leases.getStore().getByKey(LEASE_NAMESPACE + "/" + node),
				(node) -> pods.getIndexer().byIndex(SharedInformers.NODE_NAME_INDEX, node),
				new ClientNodeLifecycleControl(context.client(),
						new ClientEventRecorder(context.client(), "node-controller", context.clock()), context.clock()),
				this.settings, context.clock());
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> nodes.hasSynced() && leases.hasSynced() && pods.hasSynced(), context.clock());
		controller.start();
		queue.add(NodeLifecycleSync.KEY);
		return () -> {
			controller.stop();
			leases.stop();
		};
	}

	@SuppressWarnings("unchecked")
	private static <T> ResourceEventHandler<T> cast(ResourceEventHandler<Object> handler) {
		return (ResourceEventHandler<T>) (ResourceEventHandler<?>) handler;
	}

}
