package io.stevedore.controller.replicaset;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.controller.workload.PodControl;
import io.stevedore.controller.workload.PodTemplates;

/**
 * Records pod writes instead of sending them; can fail creations after a number of them.
 */
public final class FakePodControl implements PodControl {

	public final List<Pod> created = new ArrayList<>();

	public final List<String> deleted = new ArrayList<>();

	public final List<String> patched = new ArrayList<>();

	public final List<List<OwnerReference>> patchedRefs = new ArrayList<>();

	private int createLimit = Integer.MAX_VALUE;

	/** Creations after the first {@code n} fail as a quota would. */
	public FakePodControl failCreationsAfter(int n) {
		this.createLimit = n;
		return this;
	}

	@Override
	public synchronized Pod createPod(PodTemplateSpec template, HasMetadata owner) {
		if (this.created.size() >= this.createLimit) {
			throw new KubernetesClientException("pods \"x\" is forbidden: exceeded quota", 403, null);
		}
		Pod pod = PodTemplates.podFromTemplate(template, owner);
		pod.getMetadata().setName(owner.getMetadata().getName() + "-" + UUID.randomUUID().toString().substring(0, 5));
		this.created.add(pod);
		return pod;
	}

	/** Pods someone else removed: deleting them answers 404. */
	public final java.util.Set<String> alreadyGone = new java.util.HashSet<>();

	@Override
	public synchronized void deletePod(String namespace, String name, HasMetadata owner) {
		if (this.alreadyGone.contains(name)) {
			throw new KubernetesClientException("pods \"" + name + "\" not found", 404, null);
		}
		this.deleted.add(name);
	}

	@Override
	public synchronized void patchOwnerReferences(Pod pod, List<OwnerReference> ownerReferences) {
		this.patched.add(pod.getMetadata().getName());
		this.patchedRefs.add(ownerReferences);
	}

}
