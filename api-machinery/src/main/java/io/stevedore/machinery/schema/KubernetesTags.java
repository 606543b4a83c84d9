package io.stevedore.machinery.schema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.TopologySelectorTerm;
import io.fabric8.kubernetes.api.model.TypedLocalObjectReference;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;

/**
 * The merge tags of the built-in types, transcribed from the Go struct tags and
 * {@code +listType}/{@code +structType} markers of k8s.io/api (v1.32). Only fields that
 * differ from the defaults are listed: a list without an entry is atomic with no patch
 * strategy (replaced by a strategic merge patch), a map or struct is granular.
 */
final class KubernetesTags {

	/** The merge tags of one field. */
	record Tag(ListType listType, List<String> listMapKeys, Map<String, String> keyDefaults, MapType mapType,
			String patchMergeKey, Set<PatchStrategy> patchStrategies) {

		static final Tag NONE = new Tag(ListType.ATOMIC, List.of(), Map.of(), MapType.GRANULAR, null, Set.of());

	}

	private static final Map<Class<?>, Map<String, Tag>> TAGS = new HashMap<>();

	/** {@code +structType=atomic}: references and selectors are set and owned whole. */
	private static final Set<Class<?>> ATOMIC_STRUCTS = Set.of(LabelSelector.class, LocalObjectReference.class,
			ObjectReference.class, TypedLocalObjectReference.class, SecretKeySelector.class, ConfigMapKeySelector.class,
			ObjectFieldSelector.class, ResourceFieldSelector.class, NodeSelector.class, NodeSelectorTerm.class,
			TopologySelectorTerm.class, SecretReference.class);

	private static final Map<String, String> PROTOCOL_TCP = Map.of("protocol", "TCP");

	static {
		// metav1.ObjectMeta
		tag(ObjectMeta.class, "finalizers", mergedSet());
		tag(ObjectMeta.class, "ownerReferences", mergedMapList("uid"));

		// core/v1 PodSpec and containers
		tag(PodSpec.class, "volumes", retainKeysMapList("name"));
		tag(PodSpec.class, "containers", mergedMapList("name"));
		tag(PodSpec.class, "initContainers", mergedMapList("name"));
		tag(PodSpec.class, "ephemeralContainers", mergedMapList("name"));
		tag(PodSpec.class, "imagePullSecrets", mergedMapList("name"));
		tag(PodSpec.class, "hostAliases", mergedMapList("ip"));
		tag(PodSpec.class, "schedulingGates", mergedMapList("name"));
		tag(PodSpec.class, "resourceClaims", retainKeysMapList("name"));
		tag(PodSpec.class, "topologySpreadConstraints",
				new Tag(ListType.MAP, List.of("topologyKey", "whenUnsatisfiable"), Map.of(), MapType.GRANULAR,
						"topologyKey", Set.of(PatchStrategy.MERGE)));
		for (Class<?> container : List.of(Container.class, EphemeralContainer.class)) {
			tag(container, "ports", new Tag(ListType.MAP, List.of("containerPort", "protocol"), PROTOCOL_TCP,
					MapType.GRANULAR, "containerPort", Set.of(PatchStrategy.MERGE)));
			tag(container, "env", mergedMapList("name"));
			tag(container, "volumeMounts", mergedMapList("mountPath"));
			tag(container, "volumeDevices", mergedMapList("devicePath"));
		}
		tag(PodStatus.class, "conditions", mergedMapList("type"));
		tag(PodStatus.class, "podIPs", mergedMapList("ip"));
		tag(PodStatus.class, "hostIPs", mergedAtomicList("ip"));
		tag(PodStatus.class, "resourceClaimStatuses", retainKeysMapList("name"));

		// core/v1 Service, Node, Namespace, PVC, ServiceAccount
		tag(ServiceSpec.class, "ports", new Tag(ListType.MAP, List.of("port", "protocol"), PROTOCOL_TCP,
				MapType.GRANULAR, "port", Set.of(PatchStrategy.MERGE)));
		tag(ServiceSpec.class, "selector", atomicMap());
		tag(ServiceStatus.class, "conditions", mergedMapList("type"));
		tag(NodeSpec.class, "podCIDRs", mergedSet());
		tag(NodeStatus.class, "conditions", mergedMapList("type"));
		tag(NodeStatus.class, "addresses", mergedMapList("type"));
		tag(NamespaceStatus.class, "conditions", mergedMapList("type"));
		tag(PersistentVolumeClaimStatus.class, "conditions", mergedMapList("type"));
		tag(ServiceAccount.class, "secrets", mergedMapList("name"));

		// apps/v1
		tag(DeploymentSpec.class, "strategy", new Tag(ListType.ATOMIC, List.of(), Map.of(), MapType.GRANULAR, null,
				Set.of(PatchStrategy.RETAIN_KEYS)));
		tag(DeploymentStatus.class, "conditions", mergedMapList("type"));
		tag(ReplicaSetStatus.class, "conditions", mergedMapList("type"));
		tag(StatefulSetStatus.class, "conditions", mergedMapList("type"));
		tag(DaemonSetStatus.class, "conditions", mergedMapList("type"));

		// batch/v1: a Job's conditions merge by type in patches but are owned whole
		tag(JobStatus.class, "conditions", mergedAtomicList("type"));

		// autoscaling/v2, policy/v1
		tag(HorizontalPodAutoscalerStatus.class, "conditions", mergedMapList("type"));
		tag(PodDisruptionBudgetStatus.class, "conditions", mergedMapList("type"));
	}

	private KubernetesTags() {
	}

	static Tag tag(Class<?> owner, String field) {
		return TAGS.getOrDefault(owner, Map.of()).getOrDefault(field, Tag.NONE);
	}

	static boolean isAtomicStruct(Class<?> type) {
		return ATOMIC_STRUCTS.contains(type);
	}

	private static void tag(Class<?> owner, String field, Tag tag) {
		TAGS.computeIfAbsent(owner, k -> new HashMap<>()).put(field, tag);
	}

	/** {@code patchStrategy:"merge" patchMergeKey:key}, {@code +listType=map}. */
	private static Tag mergedMapList(String key) {
		return new Tag(ListType.MAP, List.of(key), Map.of(), MapType.GRANULAR, key, Set.of(PatchStrategy.MERGE));
	}

	/** Like {@link #mergedMapList} with {@code retainKeys}: elements are unions. */
	private static Tag retainKeysMapList(String key) {
		return new Tag(ListType.MAP, List.of(key), Map.of(), MapType.GRANULAR, key,
				Set.of(PatchStrategy.MERGE, PatchStrategy.RETAIN_KEYS));
	}

	/** Merged by key in strategic merge patches, but {@code +listType=atomic}. */
	private static Tag mergedAtomicList(String key) {
		return new Tag(ListType.ATOMIC, List.of(), Map.of(), MapType.GRANULAR, key, Set.of(PatchStrategy.MERGE));
	}

	/** {@code patchStrategy:"merge"} on scalars, {@code +listType=set}. */
	private static Tag mergedSet() {
		return new Tag(ListType.SET, List.of(), Map.of(), MapType.GRANULAR, null, Set.of(PatchStrategy.MERGE));
	}

	private static Tag atomicMap() {
		return new Tag(ListType.ATOMIC, List.of(), Map.of(), MapType.ATOMIC, null, Set.of());
	}

}
