package io.stevedore.controller.serviceaccount;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.OnDelete;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.workload.CacheLister;

import org.springframework.stereotype.Component;

/**
 * Wires the ServiceAccounts controller: namespaces, and deletions of {@code default}
 * ServiceAccounts, enqueue namespace names for {@link ServiceAccountsSync}.
 */
@Component
public class ServiceAccountsController implements ControllerFactory {

	public static final String NAME = "serviceaccount";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public int defaultWorkers() {
		return 1;
	}

	@Override
	public RunningController start(ControllerContext context) {
		KubernetesClient client = context.client();
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<Namespace> nsInformer = context.informers().informer(Namespace.class);
		SharedIndexInformer<ServiceAccount> saInformer = context.informers().informer(ServiceAccount.class);
		context.informers().handle(nsInformer, EnqueueingHandler.byKey(queue));
		context.informers().handle(saInformer, OnDelete.of((sa) -> {
			if (ServiceAccountsSync.DEFAULT.equals(sa.getMetadata().getName())) {
				queue.add(sa.getMetadata().getNamespace());
			}
		}));
		ServiceAccountsSync sync = new ServiceAccountsSync(name -> nsInformer.getStore().getByKey(name),
				CacheLister.of(saInformer), sa -> client.serviceAccounts().resource(sa).create());
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> nsInformer.hasSynced() && saInformer.hasSynced(), context.clock());
		controller.start();
		return () -> {
			controller.stop();
		};
	}

}
