package io.stevedore.controller.namespace;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;

import org.springframework.stereotype.Component;

/**
 * Wires the namespace controller: an informer on namespaces enqueues their names, and
 * {@link NamespaceSync} empties and finalizes the ones being deleted.
 */
@Component
public class NamespaceController implements ControllerFactory {

	public static final String NAME = "namespace";

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-namespace-syncs default. */
	@Override
	public int defaultWorkers() {
		return 10;
	}

	@Override
	public RunningController start(ControllerContext context) {
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<Namespace> informer = context.informers().informer(Namespace.class);
		context.informers().handle(informer, EnqueueingHandler.byKey(queue));
		NamespaceSync sync = new NamespaceSync((key) -> informer.getStore().getByKey(key),
				new RestNamespaceContent(context.rest(), context.discovery()), context.clock());
		Controller controller = new Controller(NAME, queue, sync, context.workers(), informer::hasSynced,
				context.clock());
		controller.start();
		return () -> {
			controller.stop();
		};
	}

}
