package io.stevedore.controller.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The write of an adoption or release ({@link ControllerRefClaim}): an object's whole
 * ownerReferences replaced by a merge patch that carries its resourceVersion and uid, so
 * the apiserver answers 409 when the object changed since the cache saw it and a stale
 * cache never overwrites a newer owner.
 */
public final class OwnerReferencePatch {

	private OwnerReferencePatch() {
	}

	public static void apply(KubernetesClient client, HasMetadata object, List<OwnerReference> ownerReferences) {
		apply(client, object, ownerReferences, null);
	}

	/**
	 * The same write, also replacing the object's finalizers (the Job controller adds its
	 * tracking finalizer when it adopts a pod and removes it when it releases one, in the
	 * same patch as Kubernetes' PodControllerRefManager with finalizers); the
	 * resourceVersion guard makes replacing the whole list safe.
	 * @param finalizers the object's finalizers afterwards, or null to leave them
	 */
	public static void apply(KubernetesClient client, HasMetadata object, List<OwnerReference> ownerReferences,
			List<String> finalizers) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("ownerReferences", ownerReferences);
		if (finalizers != null) {
			metadata.put("finalizers", finalizers);
		}
		metadata.put("resourceVersion", object.getMetadata().getResourceVersion());
		metadata.put("uid", object.getMetadata().getUid());
		client.resources(object.getClass())
			.inNamespace(object.getMetadata().getNamespace())
			.withName(object.getMetadata().getName())
			.patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata", metadata)));
	}

}
