package io.stevedore.machinery.openapi;

import java.util.List;
import java.util.Map;

/**
 * The {@code required} lists of Kubernetes' OpenAPI for the main types (fields without
 * {@code omitempty} and without {@code +optional} in k8s.io/api v1.32). fabric8's classes
 * do not say which fields are required, so they are written down here;
 * {@code kubectl explain} marks them {@code -required-}.
 */
final class RequiredFields {

	private static final Map<String, List<String>> REQUIRED = Map.ofEntries(
			Map.entry("io.k8s.api.core.v1.PodSpec", List.of("containers")),
			Map.entry("io.k8s.api.core.v1.Container", List.of("name")),
			Map.entry("io.k8s.api.core.v1.EphemeralContainer", List.of("name")),
			Map.entry("io.k8s.api.core.v1.ContainerPort", List.of("containerPort")),
			Map.entry("io.k8s.api.core.v1.EnvVar", List.of("name")),
			Map.entry("io.k8s.api.core.v1.Volume", List.of("name")),
			Map.entry("io.k8s.api.core.v1.VolumeMount", List.of("name", "mountPath")),
			Map.entry("io.k8s.api.core.v1.KeyToPath", List.of("key", "path")),
			Map.entry("io.k8s.api.core.v1.ConfigMapKeySelector", List.of("key")),
			Map.entry("io.k8s.api.core.v1.SecretKeySelector", List.of("key")),
			Map.entry("io.k8s.api.core.v1.ObjectFieldSelector", List.of("fieldPath")),
			Map.entry("io.k8s.api.core.v1.ResourceFieldSelector", List.of("resource")),
			Map.entry("io.k8s.api.core.v1.HTTPGetAction", List.of("port")),
			Map.entry("io.k8s.api.core.v1.TCPSocketAction", List.of("port")),
			Map.entry("io.k8s.api.core.v1.GRPCAction", List.of("port")),
			Map.entry("io.k8s.api.core.v1.HTTPHeader", List.of("name", "value")),
			Map.entry("io.k8s.api.core.v1.NodeSelector", List.of("nodeSelectorTerms")),
			Map.entry("io.k8s.api.core.v1.NodeSelectorRequirement", List.of("key", "operator")),
			Map.entry("io.k8s.api.core.v1.PreferredSchedulingTerm", List.of("weight", "preference")),
			Map.entry("io.k8s.api.core.v1.PodAffinityTerm", List.of("topologyKey")),
			Map.entry("io.k8s.api.core.v1.WeightedPodAffinityTerm", List.of("weight", "podAffinityTerm")),
			Map.entry("io.k8s.api.core.v1.TopologySpreadConstraint",
					List.of("maxSkew", "topologyKey", "whenUnsatisfiable")),
			Map.entry("io.k8s.api.core.v1.HostAlias", List.of("ip")),
			Map.entry("io.k8s.api.core.v1.PodReadinessGate", List.of("conditionType")),
			Map.entry("io.k8s.api.core.v1.PodSchedulingGate", List.of("name")),
			Map.entry("io.k8s.api.core.v1.PodCondition", List.of("type", "status")),
			Map.entry("io.k8s.api.core.v1.ContainerStatus",
					List.of("name", "ready", "restartCount", "image", "imageID")),
			Map.entry("io.k8s.api.core.v1.ServicePort", List.of("port")),
			Map.entry("io.k8s.api.core.v1.EndpointAddress", List.of("ip")),
			Map.entry("io.k8s.api.core.v1.EndpointPort", List.of("port")),
			Map.entry("io.k8s.api.core.v1.NodeAddress", List.of("type", "address")),
			Map.entry("io.k8s.api.core.v1.NodeCondition", List.of("type", "status")),
			Map.entry("io.k8s.api.core.v1.Taint", List.of("key", "effect")),
			Map.entry("io.k8s.api.core.v1.Event", List.of("metadata", "involvedObject")),
			Map.entry("io.k8s.api.core.v1.LimitRangeSpec", List.of("limits")),
			Map.entry("io.k8s.api.core.v1.LimitRangeItem", List.of("type")),
			Map.entry("io.k8s.api.core.v1.Binding", List.of("target")),
			Map.entry("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", List.of("key", "operator")),
			Map.entry("io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
					List.of("apiVersion", "kind", "name", "uid")),
			Map.entry("io.k8s.api.apps.v1.DeploymentSpec", List.of("selector", "template")),
			Map.entry("io.k8s.api.apps.v1.ReplicaSetSpec", List.of("selector")),
			Map.entry("io.k8s.api.apps.v1.StatefulSetSpec", List.of("selector", "template")),
			Map.entry("io.k8s.api.apps.v1.DaemonSetSpec", List.of("selector", "template")),
			Map.entry("io.k8s.api.apps.v1.ControllerRevision", List.of("revision")),
			Map.entry("io.k8s.api.apps.v1.DeploymentCondition", List.of("type", "status")),
			Map.entry("io.k8s.api.batch.v1.JobSpec", List.of("template")),
			Map.entry("io.k8s.api.batch.v1.CronJobSpec", List.of("schedule", "jobTemplate")),
			Map.entry("io.k8s.api.batch.v1.JobCondition", List.of("type", "status")),
			Map.entry("io.k8s.api.networking.v1.HTTPIngressPath", List.of("pathType", "backend")),
			Map.entry("io.k8s.api.networking.v1.HTTPIngressRuleValue", List.of("paths")),
			Map.entry("io.k8s.api.networking.v1.IngressServiceBackend", List.of("name")),
			Map.entry("io.k8s.api.networking.v1.IPBlock", List.of("cidr")),
			Map.entry("io.k8s.api.rbac.v1.PolicyRule", List.of("verbs")),
			Map.entry("io.k8s.api.rbac.v1.RoleRef", List.of("apiGroup", "kind", "name")),
			Map.entry("io.k8s.api.rbac.v1.Subject", List.of("kind", "name")),
			Map.entry("io.k8s.api.rbac.v1.RoleBinding", List.of("roleRef")),
			Map.entry("io.k8s.api.rbac.v1.ClusterRoleBinding", List.of("roleRef")),
			Map.entry("io.k8s.api.discovery.v1.EndpointSlice", List.of("addressType", "endpoints")),
			Map.entry("io.k8s.api.discovery.v1.Endpoint", List.of("addresses")),
			Map.entry("io.k8s.api.events.v1.Event", List.of("eventTime")),
			Map.entry("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec",
					List.of("scaleTargetRef", "maxReplicas")),
			Map.entry("io.k8s.api.autoscaling.v2.CrossVersionObjectReference", List.of("kind", "name")),
			Map.entry("io.k8s.api.autoscaling.v2.MetricSpec", List.of("type")),
			Map.entry("io.k8s.api.autoscaling.v2.MetricTarget", List.of("type")),
			Map.entry("io.k8s.api.autoscaling.v2.ResourceMetricSource", List.of("name", "target")),
			Map.entry("io.k8s.api.scheduling.v1.PriorityClass", List.of("value")),
			Map.entry("io.k8s.api.storage.v1.StorageClass", List.of("provisioner")));

	private RequiredFields() {
	}

	static List<String> of(String definitionName) {
		return REQUIRED.getOrDefault(definitionName, List.of());
	}

}
