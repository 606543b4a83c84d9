package io.stevedore.controller.workload;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/**
 * The pod writes of a workload controller (Kubernetes' {@code PodControlInterface}),
 * behind an interface so a sync is unit-tested against a fake. Implementations are safe
 * for concurrent use.
 */
public interface PodControl {

	/**
	 * Creates a pod from a template in the owner's namespace, named
	 * {@code <owner name>-<random>} and controlled by the owner
	 * ({@link ControllerRefs#of}).
	 * @return the created pod as the apiserver returned it
	 */
	Pod createPod(PodTemplateSpec template, HasMetadata owner);

	/**
	 * Deletes a pod.
	 * @throws io.fabric8.kubernetes.client.KubernetesClientException with code 404 when
	 * the pod is gone already: the caller decides, since no delete event of its own will
	 * follow
	 */
	void deletePod(String namespace, String name, HasMetadata owner);

	/**
	 * Replaces a pod's ownerReferences (adoption and release), guarded by the pod's
	 * resourceVersion and uid so a stale cache never overwrites a newer owner.
	 */
	void patchOwnerReferences(Pod pod, List<OwnerReference> ownerReferences);

}
