package io.stevedore.controller.resourcequota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.machinery.quota.QuotaUsage;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Wires the resource quota controller: a new quota, or a change of its spec, enqueues it;
 * a pod, Service, PVC, ConfigMap, Secret, ResourceQuota (or ReplicationController, where
 * served) deleted or changed in what it uses enqueues every quota of its namespace
 * (Kubernetes' replenishment), a new one only to raise usage (see
 * {@link QuotaReplenishment}: admission has charged it); and every quota is recalculated
 * each {@code stevedore.controllers.resourcequota.resync-period} (5m, as
 * {@code --resource-quota-sync-period}), which also catches
 * {@code count/<resource>.<group>} of resources without an informer.
 */
@Component
public class ResourceQuotaController implements ControllerFactory {

	public static final String NAME = "resourcequota";

	private final Duration resyncPeriod;

	public ResourceQuotaController(
			@Value("${stevedore.controllers.resourcequota.resync-period:5m}") Duration resyncPeriod) {
		if (resyncPeriod.isNegative() || resyncPeriod.isZero()) {
			throw new IllegalArgumentException(
					"stevedore.controllers.resourcequota.resync-period must be positive, got " + resyncPeriod);
		}
		this.resyncPeriod = resyncPeriod;
	}

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-resource-quota-syncs default. */
	@Override
	public int defaultWorkers() {
		return 5;
	}

	@Override
	public RunningController start(ControllerContext context) {
		KubernetesClient client = context.client();
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<ResourceQuota> quotas = context.informers().informer(ResourceQuota.class);
		SharedIndexInformer<Pod> pods = context.informers().informer(Pod.class);
		SharedIndexInformer<Service> services = context.informers().informer(Service.class);
		SharedIndexInformer<PersistentVolumeClaim> claims = context.informers().informer(PersistentVolumeClaim.class);
		SharedIndexInformer<ConfigMap> configMaps = context.informers().informer(ConfigMap.class);
		SharedIndexInformer<Secret> secrets = context.informers().informer(Secret.class);
		CacheLister<ResourceQuota> quotaLister = CacheLister.of(quotas);
		Map<String, CacheLister<? extends HasMetadata>> cached = new LinkedHashMap<>();
		cached.put("pods", CacheLister.of(pods));
		cached.put("services", CacheLister.of(services));
		cached.put("persistentvolumeclaims", CacheLister.of(claims));
		cached.put("configmaps", CacheLister.of(configMaps));
		cached.put("secrets", CacheLister.of(secrets));
		cached.put("resourcequotas", quotaLister);
		List<SharedIndexInformer<? extends HasMetadata>> counted = new ArrayList<>(
				List.of(pods, services, claims, configMaps, secrets, quotas));
		if (context.discovery().isServed("v1", "replicationcontrollers")) {
			SharedIndexInformer<ReplicationController> rcs = context.informers().informer(ReplicationController.class);
			cached.put("replicationcontrollers", CacheLister.of(rcs));
			counted.add(rcs);
			addReplenishment(rcs, "replicationcontrollers", quotaLister, queue, context);
		}
		else {
			// Not served: nothing of it can exist, so its count is 0.
			cached.put("replicationcontrollers", CacheLister.empty());
		}
		context.informers().handle(quotas, QuotaReplenishment.quotaHandler(queue));
		addReplenishment(pods, "pods", quotaLister, queue, context);
		addReplenishment(services, "services", quotaLister, queue, context);
		addReplenishment(claims, "persistentvolumeclaims", quotaLister, queue, context);
		addReplenishment(configMaps, "configmaps", quotaLister, queue, context);
		addReplenishment(secrets, "secrets", quotaLister, queue, context);
		addReplenishment(quotas, "resourcequotas", quotaLister, queue, context);
		ResourceQuotaSync sync = new ResourceQuotaSync(quotaLister,
				new InformerNamespaceObjects(CacheLister.of(pods), CacheLister.of(services), CacheLister.of(claims),
						cached, context.discovery(), context.rest(), context.clock()),
				quota -> client.resourceQuotas().resource(quota).updateStatus(), context.clock());
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> counted.stream().allMatch(SharedIndexInformer::hasSynced), context.clock());
		controller.start();
		ScheduledExecutorService resync = Executors
			.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("resourcequota-resync").factory());
		long periodMs = this.resyncPeriod.toMillis();
		resync.scheduleAtFixedRate(() -> quotas.getStore().list().forEach(q -> queue.add(Keys.of(q))), periodMs,
				periodMs, TimeUnit.MILLISECONDS);
		return () -> {
			resync.shutdownNow();
			controller.stop();
		};
	}

	private static <T extends HasMetadata> void addReplenishment(SharedIndexInformer<T> informer, String groupResource,
			CacheLister<ResourceQuota> quotas, WorkQueue<String> queue, ControllerContext context) {
		context.informers()
			.handle(informer, new QuotaReplenishment<T>(quotas, queue,
					(object) -> QuotaUsage.usage(groupResource, object, context.clock().instant())));
	}

}
