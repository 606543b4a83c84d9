package io.stevedore.gateway.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.stevedore.gateway.authn.UserInfo;

/**
 * Kubernetes' Node authorizer (plugin/pkg/auth/authorizer/node), for the objects it
 * guards: a node identity may get a Secret, ConfigMap or PersistentVolumeClaim only when
 * a pod bound to it references the object (volumes, projected sources, env, envFrom,
 * imagePullSecrets), and may not list or watch those kinds at all. Anything else it
 * leaves to RBAC (the {@code system:node} role). Kubernetes' authorizer keeps a graph of
 * pods; here the node's pods of the namespace are asked for when a node reads such an
 * object, which a node agent does once per pod start.
 */
public final class NodeAuthorizer {

	private static final Set<String> GUARDED = Set.of("secrets", "configmaps", "persistentvolumeclaims");

	private final BiFunction<String, String, List<Pod>> podsOnNode;

	/**
	 * @param podsOnNode the pods of a namespace whose spec.nodeName is the node
	 */
	public NodeAuthorizer(BiFunction<String, String, List<Pod>> podsOnNode) {
		this.podsOnNode = podsOnNode;
	}

	/**
	 * @return a denial with Kubernetes' reason; empty when RBAC decides
	 */
	public Optional<Decision> authorize(UserInfo user, RequestInfo request) {
		Optional<String> node = NodeIdentity.nodeName(user);
		if (node.isEmpty() || !request.resourceRequest() || !request.apiGroup().isEmpty()
				|| !GUARDED.contains(request.resource()) || !request.subresource().isEmpty()) {
			return Optional.empty();
		}
		if (!"get".equals(request.verb()) || request.name().isEmpty()) {
			return Optional.of(new Decision(false, "can only get individual resources of this type"));
		}
		boolean related = this.podsOnNode.apply(request.namespace(), node.get())
			.stream()
			.anyMatch((pod) -> node.get().equals(pod.getSpec().getNodeName())
					&& references(pod.getSpec(), request.resource()).contains(request.name()));
		return related ? Optional.empty() : Optional
			.of(new Decision(false, "no relationship found between node '" + node.get() + "' and this object"));
	}

	/** The names of objects of {@code resource} the pod spec references. */
	static Set<String> references(PodSpec spec, String resource) {
		List<String> names = new ArrayList<>();
		List<Volume> volumes = orEmpty(spec.getVolumes());
		switch (resource) {
			case "secrets" -> {
				orEmpty(spec.getImagePullSecrets()).stream().map(LocalObjectReference::getName).forEach(names::add);
				volumes.stream()
					.filter((v) -> v.getSecret() != null)
					.forEach((v) -> names.add(v.getSecret().getSecretName()));
				projections(volumes).filter((p) -> p.getSecret() != null)
					.forEach((p) -> names.add(p.getSecret().getName()));
				containers(spec).forEach((c) -> {
					orEmpty(c.getEnv()).stream()
						.map(EnvVar::getValueFrom)
						.filter((from) -> from != null && from.getSecretKeyRef() != null)
						.forEach((from) -> names.add(from.getSecretKeyRef().getName()));
					orEmpty(c.getEnvFrom()).stream()
						.map(EnvFromSource::getSecretRef)
						.filter(Objects::nonNull)
						.forEach((ref) -> names.add(ref.getName()));
				});
			}
			case "configmaps" -> {
				volumes.stream()
					.filter((v) -> v.getConfigMap() != null)
					.forEach((v) -> names.add(v.getConfigMap().getName()));
				projections(volumes).filter((p) -> p.getConfigMap() != null)
					.forEach((p) -> names.add(p.getConfigMap().getName()));
				containers(spec).forEach((c) -> {
					orEmpty(c.getEnv()).stream()
						.map(EnvVar::getValueFrom)
						.filter((from) -> from != null && from.getConfigMapKeyRef() != null)
						.forEach((from) -> names.add(from.getConfigMapKeyRef().getName()));
					orEmpty(c.getEnvFrom()).stream()
						.map(EnvFromSource::getConfigMapRef)
						.filter(Objects::nonNull)
						.forEach((ref) -> names.add(ref.getName()));
				});
			}
			case "persistentvolumeclaims" -> volumes.stream()
				.filter((v) -> v.getPersistentVolumeClaim() != null)
				.forEach((v) -> names.add(v.getPersistentVolumeClaim().getClaimName()));
			default -> {
			}
		}
		names.removeIf(Objects::isNull);
		return Set.copyOf(names);
	}

	private static Stream<VolumeProjection> projections(List<Volume> volumes) {
		return volumes.stream()
			.filter((v) -> v.getProjected() != null)
			.flatMap((v) -> orEmpty(v.getProjected().getSources()).stream());
	}

	private static Stream<Container> containers(PodSpec spec) {
		return Stream.concat(orEmpty(spec.getContainers()).stream(), orEmpty(spec.getInitContainers()).stream());
	}

	private static <T> List<T> orEmpty(List<T> list) {
		return list == null ? List.of() : list;
	}

}
