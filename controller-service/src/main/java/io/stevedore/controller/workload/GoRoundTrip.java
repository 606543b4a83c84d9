package io.stevedore.controller.workload;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.machinery.quantity.Quantity;

/**
 * What a pod template looks like after Go decoded it into k8s.io/api's structs and
 * encoded it again, which is how kubectl builds the bytes it compares with a
 * ControllerRevision's data: {@code omitempty} fields holding a zero ({@code false},
 * {@code 0}, {@code ""}, an empty list or map) are dropped unless the Go field is a
 * pointer or has no {@code omitempty}; struct fields are always written
 * ({@code "creationTimestamp":null} in an ObjectMeta, {@code "resources":{}} in a
 * container); quantities in their canonical form. The types come from fabric8's classes
 * (their Jackson properties), the Go facts that the classes lack from the tables below
 * (k8s.io/api v1.32 types.go, the pod template's part).
 */
final class GoRoundTrip {

	/**
	 * Per fabric8 class (named as the Go type), the fields whose zero Go writes: pointers
	 * ({@code *bool}, {@code *int64}, …) and fields without {@code omitempty}.
	 */
	private static final Map<String, Set<String>> KEPT_ZERO = Map.ofEntries(
			Map.entry("ObjectMeta", Set.of("deletionGracePeriodSeconds")),
			Map.entry("OwnerReference",
					Set.of("apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion")),
			Map.entry("PodSpec",
					Set.of("containers", "terminationGracePeriodSeconds", "activeDeadlineSeconds",
							"automountServiceAccountToken", "shareProcessNamespace", "priority", "enableServiceLinks",
							"preemptionPolicy", "setHostnameAsFQDN", "hostUsers", "runtimeClassName")),
			Map.entry("Container", Set.of("name", "restartPolicy")),
			Map.entry("EphemeralContainer", Set.of("name", "restartPolicy")),
			Map.entry("Lifecycle", Set.of("stopSignal")), Map.entry("ContainerPort", Set.of("containerPort")),
			Map.entry("VolumeMount", Set.of("name", "mountPath", "mountPropagation", "recursiveReadOnly")),
			Map.entry("ConfigMapKeySelector", Set.of("key", "optional")),
			Map.entry("SecretKeySelector", Set.of("key", "optional")),
			Map.entry("ConfigMapEnvSource", Set.of("optional")), Map.entry("SecretEnvSource", Set.of("optional")),
			Map.entry("SecurityContext",
					Set.of("privileged", "runAsUser", "runAsGroup", "runAsNonRoot", "readOnlyRootFilesystem",
							"allowPrivilegeEscalation", "procMount")),
			Map.entry("PodSecurityContext",
					Set.of("runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup", "fsGroupChangePolicy",
							"supplementalGroupsPolicy", "seLinuxChangePolicy")),
			Map.entry("SeccompProfile", Set.of("type", "localhostProfile")),
			Map.entry("AppArmorProfile", Set.of("type", "localhostProfile")),
			Map.entry("WindowsSecurityContextOptions",
					Set.of("gmsaCredentialSpecName", "gmsaCredentialSpec", "runAsUserName", "hostProcess")),
			Map.entry("Probe", Set.of("terminationGracePeriodSeconds")),
			Map.entry("GRPCAction", Set.of("port", "service")), Map.entry("HTTPGetAction", Set.of("port")),
			Map.entry("TCPSocketAction", Set.of("port")), Map.entry("HTTPHeader", Set.of("name", "value")),
			Map.entry("Toleration", Set.of("tolerationSeconds")),
			Map.entry("TopologySpreadConstraint",
					Set.of("maxSkew", "topologyKey", "whenUnsatisfiable", "minDomains", "nodeAffinityPolicy",
							"nodeTaintsPolicy")),
			Map.entry("WeightedPodAffinityTerm", Set.of("weight", "podAffinityTerm")),
			Map.entry("PreferredSchedulingTerm", Set.of("weight", "preference")),
			Map.entry("PodAffinityTerm", Set.of("topologyKey")), Map.entry("NodeSelector", Set.of("nodeSelectorTerms")),
			Map.entry("NodeSelectorRequirement", Set.of("key", "operator")),
			Map.entry("LabelSelectorRequirement", Set.of("key", "operator")),
			Map.entry("PodDNSConfigOption", Set.of("value")),
			Map.entry("PodResourceClaim", Set.of("name", "resourceClaimName", "resourceClaimTemplateName")),
			Map.entry("EnvVar", Set.of("name")), Map.entry("Volume", Set.of("name")),
			Map.entry("KeyToPath", Set.of("key", "path", "mode")),
			Map.entry("SecretVolumeSource", Set.of("defaultMode", "optional")),
			Map.entry("ConfigMapVolumeSource", Set.of("defaultMode", "optional")),
			Map.entry("ProjectedVolumeSource", Set.of("defaultMode")),
			Map.entry("ServiceAccountTokenProjection", Set.of("path", "expirationSeconds")),
			Map.entry("DownwardAPIVolumeSource", Set.of("defaultMode")),
			Map.entry("DownwardAPIVolumeFile", Set.of("path", "mode")),
			Map.entry("ConfigMapProjection", Set.of("optional")), Map.entry("SecretProjection", Set.of("optional")),
			Map.entry("ClusterTrustBundleProjection", Set.of("name", "signerName", "optional", "path")),
			Map.entry("HostPathVolumeSource", Set.of("path", "type")),
			Map.entry("CSIVolumeSource", Set.of("driver", "readOnly", "fsType")),
			Map.entry("PersistentVolumeClaimVolumeSource", Set.of("claimName")),
			Map.entry("ObjectFieldSelector", Set.of("fieldPath")),
			Map.entry("ResourceFieldSelector", Set.of("resource")), Map.entry("HostAlias", Set.of("ip")),
			Map.entry("PodReadinessGate", Set.of("conditionType")), Map.entry("PodSchedulingGate", Set.of("name")),
			Map.entry("ContainerResizePolicy", Set.of("resourceName", "restartPolicy")),
			Map.entry("ResourceClaim", Set.of("name")), Map.entry("Sysctl", Set.of("name", "value")),
			Map.entry("PodOS", Set.of("name")), Map.entry("PersistentVolumeClaimSpec",
					Set.of("storageClassName", "volumeMode", "volumeAttributesClassName")));

	/**
	 * Per class, the fields that are Go structs (not pointers): written even when absent,
	 * as their empty value. An ObjectMeta's creationTimestamp (a metav1.Time) is written
	 * {@code null}.
	 */
	private static final Map<String, Set<String>> STRUCTS = Map.of("PodTemplateSpec", Set.of("metadata", "spec"),
			"Container", Set.of("resources"), "EphemeralContainer", Set.of("resources"),
			"PersistentVolumeClaimTemplate", Set.of("metadata", "spec"), "PersistentVolumeClaimSpec",
			Set.of("resources"));

	private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

	private static final Map<Class<?>, Map<String, JavaType>> PROPERTIES = new ConcurrentHashMap<>();

	private GoRoundTrip() {
	}

	/** The template as Go writes it back. */
	static JsonNode of(io.fabric8.kubernetes.api.model.PodTemplateSpec template) {
		ObjectMapper mapper = Serialization.jsonMapper();
		JsonNode tree = template == null ? JsonNodeFactory.instance.objectNode() : mapper.valueToTree(template);
		return value(mapper.constructType(io.fabric8.kubernetes.api.model.PodTemplateSpec.class), tree);
	}

	private static JsonNode value(JavaType type, JsonNode node) {
		if (node == null || node.isNull()) {
			return node;
		}
		Class<?> raw = type.getRawClass();
		if (raw == io.fabric8.kubernetes.api.model.Quantity.class && node.isTextual()) {
			return canonical(node.textValue());
		}
		if (type.isCollectionLikeType() || type.isArrayType()) {
			if (!node.isArray()) {
				return node;
			}
			ArrayNode out = JsonNodeFactory.instance.arrayNode();
			node.elements().forEachRemaining(element -> out.add(value(type.getContentType(), element)));
			return out;
		}
		if (type.isMapLikeType()) {
			if (!node.isObject()) {
				return node;
			}
			ObjectNode out = JsonNodeFactory.instance.objectNode();
			node.properties().forEach(e -> out.set(e.getKey(), value(type.getContentType(), e.getValue())));
			return out;
		}
		if (isModel(raw) && node.isObject()) {
			return object(raw, node);
		}
		return node;
	}

	private static JsonNode object(Class<?> raw, JsonNode node) {
		Map<String, JavaType> properties = properties(raw);
		Set<String> kept = KEPT_ZERO.getOrDefault(raw.getSimpleName(), Set.of());
		ObjectNode out = JsonNodeFactory.instance.objectNode();
		for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
			Map.Entry<String, JsonNode> field = it.next();
			JavaType type = properties.get(field.getKey());
			if (type == null) {
				// Unknown to fabric8 (a newer field): as the apiserver gave it.
				out.set(field.getKey(), field.getValue());
				continue;
			}
			JsonNode value = value(type, field.getValue());
			if (value == null || value.isNull() || (!kept.contains(field.getKey()) && isZero(type, value))) {
				continue;
			}
			out.set(field.getKey(), value);
		}
		for (String struct : STRUCTS.getOrDefault(raw.getSimpleName(), Set.of())) {
			if (!out.has(struct)) {
				out.set(struct, object(properties.get(struct).getRawClass(), JsonNodeFactory.instance.objectNode()));
			}
		}
		if (raw == io.fabric8.kubernetes.api.model.ObjectMeta.class && !out.has("creationTimestamp")) {
			out.putNull("creationTimestamp");
		}
		return out;
	}

	/** Go's omitempty zero; a struct (a fabric8 object) is never empty to Go. */
	private static boolean isZero(JavaType type, JsonNode value) {
		if (value.isBoolean()) {
			return !value.booleanValue();
		}
		if (value.isNumber()) {
			return value.decimalValue().signum() == 0 && type.getRawClass() != IntOrString.class;
		}
		if (value.isTextual()) {
			return value.textValue().isEmpty() && type.getRawClass() != IntOrString.class
					&& type.getRawClass() != io.fabric8.kubernetes.api.model.Quantity.class;
		}
		if (value.isArray() || (value.isObject() && type.isMapLikeType())) {
			return value.isEmpty();
		}
		return false;
	}

	private static boolean isModel(Class<?> raw) {
		return raw.getName().startsWith(MODEL_PACKAGE) && !raw.isEnum() && !Collection.class.isAssignableFrom(raw)
				&& !Map.class.isAssignableFrom(raw) && raw != IntOrString.class
				&& raw != io.fabric8.kubernetes.api.model.Quantity.class;
	}

	private static Map<String, JavaType> properties(Class<?> raw) {
		return PROPERTIES.computeIfAbsent(raw, (type) -> {
			ObjectMapper mapper = Serialization.jsonMapper();
			BeanDescription description = mapper.getSerializationConfig().introspect(mapper.constructType(type));
			Map<String, JavaType> byName = new ConcurrentHashMap<>();
			for (BeanPropertyDefinition property : description.findProperties()) {
				if (property.getPrimaryType() != null) {
					byName.put(property.getName(), property.getPrimaryType());
				}
			}
			return byName;
		});
	}

	private static JsonNode canonical(String quantity) {
		try {
			return TextNode.valueOf(Quantity.parse(quantity).toString());
		}
		catch (RuntimeException ex) {
			// Not a quantity (the apiserver would have refused it): left as it is.
			return TextNode.valueOf(quantity);
		}
	}

}
