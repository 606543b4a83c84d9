package io.stevedore.controller.endpoints;

import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.machinery.selectors.LabelSelector;

/**
 * Pod events to the keys of the Services selecting the pod, before or after the change
 * (Kubernetes' {@code GetPodServiceMemberships}). Only computes keys, on the informer
 * thread.
 */
final class PodToServices implements ResourceEventHandler<Pod> {

	private final WorkQueue<String> queue;

	private final CacheLister<Service> services;

	PodToServices(WorkQueue<String> queue, CacheLister<Service> services) {
		this.queue = queue;
		this.services = services;
	}

	@Override
	public void onAdd(Pod pod) {
		enqueueSelecting(pod);
	}

	@Override
	public void onUpdate(Pod old, Pod pod) {
		if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
			return;
		}
		enqueueSelecting(pod);
		if (!Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())) {
			enqueueSelecting(old);
		}
	}

	@Override
	public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
		enqueueSelecting(pod);
	}

	private void enqueueSelecting(Pod pod) {
		Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
		for (Service service : this.services.list(pod.getMetadata().getNamespace())) {
			if (ServicePods.hasSelector(service)
					&& LabelSelector.fromSet(service.getSpec().getSelector()).matches(labels)) {
				this.queue.add(Keys.of(service));
			}
		}
	}

}
