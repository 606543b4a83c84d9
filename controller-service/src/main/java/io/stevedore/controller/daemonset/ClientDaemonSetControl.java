package io.stevedore.controller.daemonset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.controller.workload.OwnerReferencePatch;

/** {@link DaemonSetControl} through the fabric8 client. */
final class ClientDaemonSetControl implements DaemonSetControl {

	private final KubernetesClient client;

	ClientDaemonSetControl(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public Pod createPod(Pod pod) {
		return this.client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
	}

	@Override
	public void deletePod(Pod pod) {
		this.client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
	}

	@Override
	public void patchOwnerReferences(HasMetadata object, List<OwnerReference> ownerReferences) {
		OwnerReferencePatch.apply(this.client, object, ownerReferences);
	}

	@Override
	public void relabelPod(Pod pod, String hash) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("labels", Map.of(DaemonPods.REVISION_HASH, hash));
		metadata.put("resourceVersion", pod.getMetadata().getResourceVersion());
		this.client.pods()
			.inNamespace(pod.getMetadata().getNamespace())
			.withName(pod.getMetadata().getName())
			.patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata", metadata)));
	}

	@Override
	public void updateStatus(DaemonSet daemonSet) {
		this.client.apps()
			.daemonSets()
			.inNamespace(daemonSet.getMetadata().getNamespace())
			.resource(daemonSet)
			.updateStatus();
	}

}
