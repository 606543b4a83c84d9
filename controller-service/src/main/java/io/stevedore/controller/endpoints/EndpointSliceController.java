package io.stevedore.controller.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
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
 * Wires the EndpointSlice controller: Services, pods and its own slices feed one queue of
 * Service keys; {@link EndpointSliceSync} writes the slices.
 */
@Component
public class EndpointSliceController implements ControllerFactory {

	public static final String NAME = "endpointslice";

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-service-endpoint-syncs default. */
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
		SharedIndexInformer<EndpointSlice> sliceInformer = context.informers().informer(EndpointSlice.class);
		CacheLister<Service> services = CacheLister.of(serviceInformer);
		context.informers().handle(serviceInformer, EnqueueingHandler.byKey(queue));
		context.informers().handle(podInformer, new PodToServices(queue, services));
		// A managed slice deleted by someone else is written again.
		context.informers().handle(sliceInformer, OnDelete.of((slice) -> {
			var labels = slice.getMetadata().getLabels();
			if (labels != null && EndpointSliceSync.MANAGED_BY.equals(labels.get(EndpointSliceSync.MANAGED_BY_LABEL))
					&& labels.get(EndpointSliceSync.SERVICE_NAME_LABEL) != null) {
				queue
					.add(Keys.of(slice.getMetadata().getNamespace(), labels.get(EndpointSliceSync.SERVICE_NAME_LABEL)));
			}
		}));
		EndpointSliceSync sync = new EndpointSliceSync(services, CacheLister.of(podInformer),
				CacheLister.of(sliceInformer), new EndpointSliceWrites() {
					@Override
					public void create(EndpointSlice slice) {
						client.discovery().v1().endpointSlices().resource(slice).create();
					}

					@Override
					public void update(EndpointSlice slice) {
						client.discovery().v1().endpointSlices().resource(slice).update();
					}

					@Override
					public void delete(EndpointSlice slice) {
						try {
							client.discovery().v1().endpointSlices().resource(slice).delete();
						}
						catch (KubernetesClientException ex) {
							if (ex.getCode() != 404) {
								throw ex;
							}
						}
					}
				});
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> serviceInformer.hasSynced() && podInformer.hasSynced() && sliceInformer.hasSynced(),
				context.clock());
		controller.start();
		return () -> {
			controller.stop();
		};
	}

}
