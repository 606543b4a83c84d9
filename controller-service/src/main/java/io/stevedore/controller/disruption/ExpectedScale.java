package io.stevedore.controller.disruption;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.ControllerRefs;

/**
 * The disruption controller's {@code getExpectedScale}: the sum of the scales of the
 * controllers of the selected pods, each controller counted once. A ReplicaSet that a
 * Deployment controls counts as its Deployment (whose scale is what the user set). Pods
 * without a controller are skipped and named, so the sync can warn (Kubernetes 1.27+); a
 * controller reference to something that does not exist is an error.
 */
final class ExpectedScale {

	/**
	 * @param unmanagedPods names of selected pods without a controller
	 */
	record Result(int expectedCount, List<String> unmanagedPods) {
	}

	private final CacheLister<ReplicaSet> replicaSets;

	private final CacheLister<Deployment> deployments;

	private final CacheLister<StatefulSet> statefulSets;

	private final CacheLister<ReplicationController> replicationControllers;

	ExpectedScale(CacheLister<ReplicaSet> replicaSets, CacheLister<Deployment> deployments,
			CacheLister<StatefulSet> statefulSets, CacheLister<ReplicationController> replicationControllers) {
		this.replicaSets = replicaSets;
		this.deployments = deployments;
		this.statefulSets = statefulSets;
		this.replicationControllers = replicationControllers;
	}

	Result of(List<Pod> pods) {
		Map<String, Scale> byReference = new LinkedHashMap<>();
		Map<String, Integer> byScaleOwner = new LinkedHashMap<>();
		List<String> unmanaged = new ArrayList<>();
		for (Pod pod : pods) {
			OwnerReference ref = ControllerRefs.controllerOf(pod);
			if (ref == null) {
				unmanaged.add(pod.getMetadata().getName());
				continue;
			}
			if (byReference.containsKey(ref.getUid())) {
				continue;
			}
			Scale scale = find(ref, pod.getMetadata().getNamespace());
			if (scale == null) {
				throw new IllegalStateException("found no controllers for pod \"" + pod.getMetadata().getName() + "\"");
			}
			byReference.put(ref.getUid(), scale);
			// Keyed by the scale's owner: two ReplicaSets of one Deployment count it
			// once.
			byScaleOwner.put(scale.uid(), scale.replicas());
		}
		int expected = byScaleOwner.values().stream().mapToInt(Integer::intValue).sum();
		return new Result(expected, unmanaged);
	}

	private record Scale(String uid, int replicas) {
	}

	/** Kubernetes' finders, in its order: ReplicaSet, Deployment, RC, StatefulSet. */
	private Scale find(OwnerReference ref, String namespace) {
		String group = ref.getApiVersion() == null ? "" : ref.getApiVersion().split("/")[0];
		switch (ref.getKind()) {
			case "ReplicaSet" -> {
				if (!"apps".equals(group)) {
					return null;
				}
				ReplicaSet rs = matching(this.replicaSets.get(namespace, ref.getName()), ref);
				if (rs == null) {
					return null;
				}
				OwnerReference rsController = ControllerRefs.controllerOf(rs);
				if (rsController != null && "Deployment".equals(rsController.getKind())) {
					Deployment deployment = matching(this.deployments.get(namespace, rsController.getName()),
							rsController);
					return deployment == null ? null : new Scale(deployment.getMetadata().getUid(),
							replicas(deployment.getSpec().getReplicas()));
				}
				return new Scale(rs.getMetadata().getUid(), replicas(rs.getSpec().getReplicas()));
			}
			case "ReplicationController" -> {
				ReplicationController rc = matching(this.replicationControllers.get(namespace, ref.getName()), ref);
				return rc == null ? null : new Scale(rc.getMetadata().getUid(), replicas(rc.getSpec().getReplicas()));
			}
			case "StatefulSet" -> {
				StatefulSet set = matching(this.statefulSets.get(namespace, ref.getName()), ref);
				return set == null ? null
						: new Scale(set.getMetadata().getUid(), replicas(set.getSpec().getReplicas()));
			}
			default -> {
				return null;
			}
		}
	}

	/**
	 * The cached object only when it is the one referenced (same UID), not a namesake.
	 */
	private static <T extends HasMetadata> T matching(T object, OwnerReference ref) {
		return (object != null && object.getMetadata().getUid().equals(ref.getUid())) ? object : null;
	}

	/** A nil replicas means 1, as the API's defaulting. */
	private static int replicas(Integer replicas) {
		return replicas == null ? 1 : replicas;
	}

}
