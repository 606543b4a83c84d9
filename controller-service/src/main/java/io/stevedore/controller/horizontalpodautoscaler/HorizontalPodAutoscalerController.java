package io.stevedore.controller.horizontalpodautoscaler;

import java.util.Objects;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.workload.ClientEventRecorder;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Wires the HPA controller: an informer on autoscaling/v2 HorizontalPodAutoscalers feeds
 * {@link HpaSync}, which asks to be looked at again every sync period. Only a new spec
 * enqueues an HPA at once: the controller's own status writes would otherwise make it
 * sync in a loop instead of once per period, as Kubernetes' rate-limited queue does.
 */
@Component
@EnableConfigurationProperties(HpaSettings.class)
public class HorizontalPodAutoscalerController implements ControllerFactory {

	public static final String NAME = "horizontalpodautoscaling";

	private final HpaSettings settings;

	public HorizontalPodAutoscalerController(HpaSettings settings) {
		this.settings = settings;
	}

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-horizontal-pod-autoscaler-syncs default. */
	@Override
	public int defaultWorkers() {
		return 5;
	}

	@Override
	public RunningController start(ControllerContext context) {
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<HorizontalPodAutoscaler> hpas = context.informers().informer(HorizontalPodAutoscaler.class);
		context.informers().handle(hpas, new ResourceEventHandler<>() {
			@Override
			public void onAdd(HorizontalPodAutoscaler hpa) {
				queue.add(Cache.metaNamespaceKeyFunc(hpa));
			}

			@Override
			public void onUpdate(HorizontalPodAutoscaler before, HorizontalPodAutoscaler after) {
				if (!Objects.equals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration())) {
					queue.add(Cache.metaNamespaceKeyFunc(after));
				}
			}

			@Override
			public void onDelete(HorizontalPodAutoscaler hpa, boolean unknownFinalState) {
				queue.add(Cache.metaNamespaceKeyFunc(hpa));
			}
		});
		HpaSync sync = new HpaSync((key) -> hpas.getStore().getByKey(key),
				new ClientHpaControl(context.client(), context.rest()), new ApiMetricsSource(context.rest()),
				this.settings, new ClientEventRecorder(context.client(), "horizontal-pod-autoscaler", context.clock()),
				context.clock());
		Controller controller = new Controller(NAME, queue, sync, context.workers(), hpas::hasSynced, context.clock());
		controller.start();
		return () -> {
			controller.stop();
		};
	}

}
