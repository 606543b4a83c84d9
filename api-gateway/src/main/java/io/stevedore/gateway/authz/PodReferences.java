package io.stevedore.gateway.authz;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.AzureFileVolumeSource;
import io.fabric8.kubernetes.api.model.CSIVolumeSource;
import io.fabric8.kubernetes.api.model.CephFSVolumeSource;
import io.fabric8.kubernetes.api.model.CinderVolumeSource;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.ConfigMapEnvSource;
import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.FlexVolumeSource;
import io.fabric8.kubernetes.api.model.ISCSIVolumeSource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.RBDVolumeSource;
import io.fabric8.kubernetes.api.model.ScaleIOVolumeSource;
import io.fabric8.kubernetes.api.model.SecretEnvSource;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.StorageOSVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;

/**
 * The edges of Kubernetes' node graph that start at a pod: the Secrets, ConfigMaps,
 * PersistentVolumeClaims and ServiceAccount a pod references, which its node may
 * therefore read (or, for the ServiceAccount, ask tokens of). Secrets and ConfigMaps are
 * those of Kubernetes' VisitPodSecretNames and VisitPodConfigmapNames: image pull
 * secrets, volumes (in-line volume sources with a secret reference among them) and the
 * env and envFrom of every container, init and ephemeral ones included. All are in the
 * pod's namespace; a Secret a PersistentVolume names is {@link PersistentVolumeSecrets}'
 * edge. A mirror pod references nothing: a node creates those itself, and must not gain
 * access by naming objects in one (NodeRestriction refuses such mirror pods too; this is
 * Kubernetes' defence in depth).
 */
final class PodReferences {

	static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

	private PodReferences() {
	}

	/** The names of objects of {@code resource} the pod references. */
	static Set<String> of(Pod pod, String resource) {
		Map<String, String> annotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
		if (pod.getSpec() == null || annotations != null && annotations.containsKey(MIRROR_POD_ANNOTATION)) {
			return Set.of();
		}
		return references(pod.getSpec(), resource).filter((name) -> name != null && !name.isEmpty())
			.collect(Collectors.toUnmodifiableSet());
	}

	private static Stream<String> references(PodSpec spec, String resource) {
		List<Volume> volumes = orEmpty(spec.getVolumes());
		return switch (resource) {
			case "secrets" -> Stream
				.of(orEmpty(spec.getImagePullSecrets()).stream().map(LocalObjectReference::getName),
						volumes.stream().flatMap(PodReferences::secretNames),
						projections(volumes).map((p) -> get(p.getSecret(), SecretProjection::getName)),
						environment(spec, (from) -> get(from.getSecretKeyRef(), SecretKeySelector::getName),
								(from) -> get(from.getSecretRef(), SecretEnvSource::getName)))
				.flatMap(Function.identity());
			case "configmaps" -> Stream
				.of(volumes.stream().map((v) -> get(v.getConfigMap(), ConfigMapVolumeSource::getName)),
						projections(volumes).map((p) -> get(p.getConfigMap(), ConfigMapProjection::getName)),
						environment(spec, (from) -> get(from.getConfigMapKeyRef(), ConfigMapKeySelector::getName),
								(from) -> get(from.getConfigMapRef(), ConfigMapEnvSource::getName)))
				.flatMap(Function.identity());
			case "persistentvolumeclaims" -> volumes.stream()
				.map((v) -> get(v.getPersistentVolumeClaim(), PersistentVolumeClaimVolumeSource::getClaimName));
			case "serviceaccounts" -> Stream.of(spec.getServiceAccountName());
			default -> Stream.empty();
		};
	}

	/**
	 * The Secret of a volume: a secret volume's, or that an in-line volume source names
	 * for its driver's credentials (a pod's volume has exactly one source).
	 */
	private static Stream<String> secretNames(Volume volume) {
		return Stream.of(get(volume.getSecret(), SecretVolumeSource::getSecretName),
				get(volume.getAzureFile(), AzureFileVolumeSource::getSecretName),
				reference(volume.getCephfs(), CephFSVolumeSource::getSecretRef),
				reference(volume.getCinder(), CinderVolumeSource::getSecretRef),
				reference(volume.getFlexVolume(), FlexVolumeSource::getSecretRef),
				reference(volume.getIscsi(), ISCSIVolumeSource::getSecretRef),
				reference(volume.getRbd(), RBDVolumeSource::getSecretRef),
				reference(volume.getScaleIO(), ScaleIOVolumeSource::getSecretRef),
				reference(volume.getStorageos(), StorageOSVolumeSource::getSecretRef),
				reference(volume.getCsi(), CSIVolumeSource::getNodePublishSecretRef));
	}

	private static Stream<VolumeProjection> projections(List<Volume> volumes) {
		return volumes.stream()
			.filter((v) -> v.getProjected() != null)
			.flatMap((v) -> orEmpty(v.getProjected().getSources()).stream());
	}

	/**
	 * What the env ({@code valueFrom}) and envFrom of every container name, through
	 * {@code fromVar} and {@code fromSource}.
	 */
	private static Stream<String> environment(PodSpec spec, Function<EnvVarSource, String> fromVar,
			Function<EnvFromSource, String> fromSource) {
		return environments(spec).flatMap((e) -> Stream.concat(
				orEmpty(e.env()).stream().map(EnvVar::getValueFrom).filter(Objects::nonNull).map(fromVar),
				orEmpty(e.envFrom()).stream().map(fromSource)));
	}

	/**
	 * The environment of init, regular and ephemeral containers. fabric8's
	 * EphemeralContainer is not a Container (Kubernetes visits its
	 * EphemeralContainerCommon as one), hence the two fields taken from each.
	 */
	private static Stream<Environment> environments(PodSpec spec) {
		Stream<Environment> containers = Stream
			.concat(orEmpty(spec.getInitContainers()).stream(), orEmpty(spec.getContainers()).stream())
			.map((c) -> new Environment(c.getEnv(), c.getEnvFrom()));
		Stream<Environment> ephemeral = orEmpty(spec.getEphemeralContainers()).stream()
			.map((c) -> new Environment(c.getEnv(), c.getEnvFrom()));
		return Stream.concat(containers, ephemeral);
	}

	private static <S> String reference(S source, Function<S, LocalObjectReference> reference) {
		return get(get(source, reference), LocalObjectReference::getName);
	}

	private static <T, R> R get(T object, Function<T, R> getter) {
		return object == null ? null : getter.apply(object);
	}

	private static <T> List<T> orEmpty(List<T> list) {
		return list == null ? List.of() : list;
	}

	private record Environment(List<EnvVar> env, List<EnvFromSource> envFrom) {
	}

}
