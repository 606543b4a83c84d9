package io.stevedore.controller.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.OnDelete;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.workload.CacheLister;

import org.springframework.stereotype.Component;

/**
 * Wires the Endpoints controller: Services and pods feed one queue of Service keys;
 * {@link EndpointsSync} writes each Service's Endpoints. Deleted Endpoints are rewritten
 * because their Service's key comes back through the Endpoints informer.
 */
@Component
public class EndpointsController implements ControllerFactory {

	public static final String NAME = "endpoint";

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-endpoint-syncs default. */
	@Override
	public int defaultWorkers() {
		return 5;
	}

	@Override
	public RunningController start(ControllerContext context) {
		KubernetesClient client = context.client();
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<Service> serviceInformer = context.informers().informer(Service.class);
		SharedIndexInformer<Pod> podInformer = context.informers().informer(Pod.class);
		SharedIndexInformer<Endpoints> endpointsInformer = context.informers().informer(Endpoints.class);
		CacheLister<Service> services = CacheLister.of(serviceInformer);
		context.informers().handle(serviceInformer, EnqueueingHandler.byKey(queue));
		context.informers().handle(podInformer, new PodToServices(queue, services));
		// Endpoints deleted by someone else are written again.
		context.informers().handle(endpointsInformer, OnDelete.of((endpoints) -> queue.add(Keys.of(endpoints))));
		EndpointsSync sync = new EndpointsSync(services, CacheLister.of(podInformer), CacheLister.of(endpointsInformer),
				new EndpointsWrites() {
					@Override
					public void create(Endpoints endpoints) {
						client.endpoints().resource(endpoints).create();
					}

					@Override
					public void update(Endpoints endpoints) {
						client.endpoints().resource(endpoints).update();
					}

					@Override
					public void delete(String namespace, String name) {
						try {
							client.endpoints().inNamespace(namespace).withName(name).delete();
						}
						catch (KubernetesClientException ex) {
							if (ex.getCode() != 404) {
								throw ex;
							}
						}
					}
				});
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> serviceInformer.hasSynced() && podInformer.hasSynced() && endpointsInformer.hasSynced(),
				context.clock());
		controller.start();
		return () -> {
			controller.stop();
		};
	}

}
