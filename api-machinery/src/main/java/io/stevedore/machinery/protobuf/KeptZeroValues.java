package io.stevedore.machinery.protobuf;

import java.util.Map;
import java.util.Set;

import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * The scalar fields whose zero value ({@code 0}, {@code false}, {@code ""}, IntOrString
 * {@code 0}) is a value, not an absence.
 *
 * <p>
 * Why a table: Kubernetes' Go encoder writes every non-pointer field, zero or not, so the
 * proto2 "has" bit of a decoded field says nothing about whether the client set it. Go's
 * JSON then drops the zero ones ({@code omitempty}) unless the Go field is a pointer
 * ({@code replicas *int32}: 0 means zero replicas, absent means "default to 1") or has no
 * {@code omitempty} ({@code PriorityClass.value}). Neither fact is in the .proto, so the
 * fields of both kinds, for the types the apiserver serves, are listed here from
 * k8s.io/api's types.go. A field missing from this list loses an explicit zero, which is
 * then defaulted.
 */
final class KeptZeroValues {

	private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";

	private static final String CORE = "k8s.io.api.core.v1.";

	private static final String APPS = "k8s.io.api.apps.v1.";

	private static final String BATCH = "k8s.io.api.batch.v1.";

	private static final String NETWORKING = "k8s.io.api.networking.v1.";

	private static final String DISCOVERY = "k8s.io.api.discovery.v1.";

	private static final String AUTOSCALING_V2 = "k8s.io.api.autoscaling.v2.";

	/** Message full name to its fields that keep a zero value. */
	static final Map<String, Set<String>> FIELDS = Map.ofEntries(
			// meta/v1
			fields(META + "ObjectMeta", "deletionGracePeriodSeconds"),
			fields(META + "OwnerReference", "controller", "blockOwnerDeletion"),
			fields(META + "ListMeta", "remainingItemCount"),
			fields(META + "DeleteOptions", "gracePeriodSeconds", "orphanDependents", "propagationPolicy",
					"ignoreStoreReadErrorWithClusterBreakingPotential"),
			fields(META + "Preconditions", "uid", "resourceVersion"),
			// core/v1: pods
			fields(CORE + "PodSpec", "terminationGracePeriodSeconds", "activeDeadlineSeconds",
					"automountServiceAccountToken", "shareProcessNamespace", "priority", "enableServiceLinks",
					"preemptionPolicy", "setHostnameAsFQDN", "hostUsers", "runtimeClassName"),
			fields(CORE + "Container", "restartPolicy"), fields(CORE + "Lifecycle", "stopSignal"),
			fields(CORE + "ContainerPort", "containerPort"),
			fields(CORE + "VolumeMount", "mountPropagation", "recursiveReadOnly"),
			fields(CORE + "ConfigMapKeySelector", "optional"), fields(CORE + "SecretKeySelector", "optional"),
			fields(CORE + "ConfigMapEnvSource", "optional"), fields(CORE + "SecretEnvSource", "optional"),
			fields(CORE + "SecurityContext", "privileged", "runAsUser", "runAsGroup", "runAsNonRoot",
					"readOnlyRootFilesystem", "allowPrivilegeEscalation", "procMount"),
			fields(CORE + "PodSecurityContext", "runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup",
					"fsGroupChangePolicy", "supplementalGroupsPolicy", "seLinuxChangePolicy"),
			fields(CORE + "SeccompProfile", "localhostProfile"), fields(CORE + "AppArmorProfile", "localhostProfile"),
			fields(CORE + "WindowsSecurityContextOptions", "gmsaCredentialSpecName", "gmsaCredentialSpec",
					"runAsUserName", "hostProcess"),
			fields(CORE + "Probe", "terminationGracePeriodSeconds"), fields(CORE + "GRPCAction", "port", "service"),
			fields(CORE + "Toleration", "tolerationSeconds"),
			fields(CORE + "TopologySpreadConstraint", "maxSkew", "minDomains", "nodeAffinityPolicy",
					"nodeTaintsPolicy"),
			fields(CORE + "WeightedPodAffinityTerm", "weight"), fields(CORE + "PreferredSchedulingTerm", "weight"),
			fields(CORE + "PodDNSConfigOption", "value"),
			fields(CORE + "PodResourceClaim", "resourceClaimName", "resourceClaimTemplateName"),
			fields(CORE + "ContainerStatus", "restartCount", "ready", "started", "stopSignal"),
			fields(CORE + "ContainerStateTerminated", "exitCode"),
			fields(CORE + "VolumeMountStatus", "recursiveReadOnly"),
			// core/v1: volumes
			fields(CORE + "SecretVolumeSource", "defaultMode", "optional"),
			fields(CORE + "ConfigMapVolumeSource", "defaultMode", "optional"), fields(CORE + "KeyToPath", "mode"),
			fields(CORE + "ProjectedVolumeSource", "defaultMode"),
			fields(CORE + "ServiceAccountTokenProjection", "expirationSeconds"),
			fields(CORE + "DownwardAPIVolumeSource", "defaultMode"), fields(CORE + "DownwardAPIVolumeFile", "mode"),
			fields(CORE + "ConfigMapProjection", "optional"), fields(CORE + "SecretProjection", "optional"),
			fields(CORE + "ClusterTrustBundleProjection", "name", "signerName", "optional"),
			fields(CORE + "HostPathVolumeSource", "type"), fields(CORE + "CSIVolumeSource", "readOnly", "fsType"),
			fields(CORE + "AzureDiskVolumeSource", "cachingMode", "fsType", "readOnly", "kind"),
			fields(CORE + "ISCSIVolumeSource", "initiatorName"),
			fields(CORE + "PersistentVolumeClaimSpec", "storageClassName", "volumeMode", "volumeAttributesClassName"),
			fields(CORE + "PersistentVolumeClaimStatus", "currentVolumeAttributesClassName"),
			fields(CORE + "PersistentVolumeSpec", "volumeMode", "volumeAttributesClassName"),
			fields(CORE + "TypedLocalObjectReference", "apiGroup"),
			fields(CORE + "TypedObjectReference", "apiGroup", "namespace"),
			// core/v1: services, endpoints, nodes, config
			fields(CORE + "ServiceSpec", "allocateLoadBalancerNodePorts", "loadBalancerClass", "internalTrafficPolicy",
					"ipFamilyPolicy", "trafficDistribution"),
			fields(CORE + "ServicePort", "port", "appProtocol"), fields(CORE + "ClientIPConfig", "timeoutSeconds"),
			fields(CORE + "LoadBalancerIngress", "ipMode"), fields(CORE + "EndpointPort", "port", "appProtocol"),
			fields(CORE + "EndpointAddress", "nodeName"), fields(CORE + "DaemonEndpoint", "Port"),
			fields(CORE + "NodeFeatures", "supplementalGroupsPolicy"),
			fields(CORE + "NodeRuntimeHandlerFeatures", "recursiveReadOnlyMounts", "userNamespaces"),
			fields(CORE + "ConfigMap", "immutable"), fields(CORE + "Secret", "immutable"),
			fields(CORE + "ServiceAccount", "automountServiceAccountToken"),
			// apps/v1
			fields(APPS + "DeploymentSpec", "replicas", "revisionHistoryLimit", "progressDeadlineSeconds"),
			fields(APPS + "DeploymentStatus", "terminatingReplicas", "collisionCount"),
			fields(APPS + "RollingUpdateDeployment", "maxUnavailable", "maxSurge"),
			fields(APPS + "ReplicaSetSpec", "replicas"),
			fields(APPS + "ReplicaSetStatus", "replicas", "terminatingReplicas"),
			fields(APPS + "StatefulSetSpec", "replicas", "revisionHistoryLimit"),
			fields(APPS + "StatefulSetStatus", "replicas", "collisionCount"),
			fields(APPS + "RollingUpdateStatefulSetStrategy", "partition", "maxUnavailable"),
			fields(APPS + "DaemonSetSpec", "revisionHistoryLimit"),
			fields(APPS + "DaemonSetStatus", "currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled",
					"numberReady", "collisionCount"),
			fields(APPS + "RollingUpdateDaemonSet", "maxUnavailable", "maxSurge"),
			fields(APPS + "ControllerRevision", "revision"),
			// batch/v1
			fields(BATCH + "JobSpec", "parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
					"backoffLimitPerIndex", "maxFailedIndexes", "ttlSecondsAfterFinished", "completionMode", "suspend",
					"podReplacementPolicy", "manualSelector", "managedBy"),
			fields(BATCH + "JobStatus", "ready", "failedIndexes", "terminating"),
			fields(BATCH + "PodFailurePolicyOnExitCodesRequirement", "containerName"),
			fields(BATCH + "SuccessPolicyRule", "succeededIndexes", "succeededCount"),
			fields(BATCH + "CronJobSpec", "timeZone", "startingDeadlineSeconds", "suspend",
					"successfulJobsHistoryLimit", "failedJobsHistoryLimit"),
			// networking.k8s.io/v1
			fields(NETWORKING + "IngressSpec", "ingressClassName"), fields(NETWORKING + "HTTPIngressPath", "pathType"),
			fields(NETWORKING + "IngressPortStatus", "port", "error"),
			fields(NETWORKING + "IngressClassParametersReference", "aPIGroup", "scope", "namespace"),
			fields(NETWORKING + "NetworkPolicyPort", "protocol", "port", "endPort"),
			// coordination, discovery, events
			fields("k8s.io.api.coordination.v1.LeaseSpec", "holderIdentity", "leaseDurationSeconds", "leaseTransitions",
					"strategy", "preferredHolder"),
			fields(DISCOVERY + "Endpoint", "hostname", "nodeName", "zone"),
			fields(DISCOVERY + "EndpointConditions", "ready", "serving", "terminating"),
			fields(DISCOVERY + "EndpointPort", "name", "protocol", "port", "appProtocol"),
			fields("k8s.io.api.events.v1.EventSeries", "count"),
			// autoscaling, policy, scheduling, storage
			fields(AUTOSCALING_V2 + "HorizontalPodAutoscalerSpec", "minReplicas", "maxReplicas"),
			fields(AUTOSCALING_V2 + "HPAScalingRules", "stabilizationWindowSeconds", "selectPolicy"),
			fields(AUTOSCALING_V2 + "HPAScalingPolicy", "value", "periodSeconds"),
			fields(AUTOSCALING_V2 + "MetricTarget", "averageUtilization"),
			fields(AUTOSCALING_V2 + "MetricValueStatus", "averageUtilization"),
			fields(AUTOSCALING_V2 + "HorizontalPodAutoscalerStatus", "observedGeneration", "desiredReplicas"),
			fields("k8s.io.api.autoscaling.v1.ScaleStatus", "replicas"),
			fields("k8s.io.api.policy.v1.PodDisruptionBudgetSpec", "minAvailable", "maxUnavailable",
					"unhealthyPodEvictionPolicy"),
			fields("k8s.io.api.policy.v1.PodDisruptionBudgetStatus", "disruptionsAllowed", "currentHealthy",
					"desiredHealthy", "expectedPods"),
			fields("k8s.io.api.scheduling.v1.PriorityClass", "value", "preemptionPolicy"),
			fields("k8s.io.api.storage.v1.StorageClass", "reclaimPolicy", "allowVolumeExpansion", "volumeBindingMode"));

	private KeptZeroValues() {
	}

	/** Whether a zero in this field is kept in the JSON. */
	static boolean keeps(FieldDescriptor field) {
		Set<String> names = FIELDS.get(field.getContainingType().getFullName());
		return names != null && names.contains(field.getName());
	}

	private static Map.Entry<String, Set<String>> fields(String message, String... names) {
		return Map.entry(message, Set.of(names));
	}

}
