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
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("ownerReferences", ownerReferences);
		metadata.put("resourceVersion", object.getMetadata().getResourceVersion());
		metadata.put("uid", object.getMetadata().getUid());
		client.resources(object.getClass())
			.inNamespace(object.getMetadata().getNamespace())
			.withName(object.getMetadata().getName())
			.patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata", metadata)));
	}

}
