package io.stevedore.nodeagent.pod;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.VolumeProjection;

/**
 * The files of {@code projected} and {@code downwardAPI} volumes (the kubelet's
 * pkg/volume/projected and downwardapi): ServiceAccount tokens through the
 * {@link TokenManager}, ConfigMap and Secret keys, and the pod's own fields. Modes as
 * Kubernetes: an item's {@code mode}, else the volume's {@code defaultMode}, else 0644.
 * Stateless apart from the token cache it is given.
 */
final class ProjectedVolumes {

	static final int DEFAULT_MODE = 0644;

	private final ApiObjects objects;

	private final TokenManager tokens;

	ProjectedVolumes(ApiObjects objects, TokenManager tokens) {
		this.objects = objects;
		this.tokens = tokens;
	}

	VolumeFiles projected(Pod pod, String volume, ProjectedVolumeSource source) throws VolumeException {
		int defaultMode = source.getDefaultMode() == null ? DEFAULT_MODE : source.getDefaultMode();
		String namespace = pod.getMetadata().getNamespace();
		VolumeFiles files = new VolumeFiles();
		for (VolumeProjection projection : nonNull(source.getSources())) {
			if (projection.getServiceAccountToken() != null) {
				ServiceAccountTokenProjection token = projection.getServiceAccountToken();
				long expiration = token.getExpirationSeconds() == null ? 3600 : token.getExpirationSeconds();
				files.put(token.getPath(),
						this.tokens.token(pod, token.getAudience(), expiration).getBytes(StandardCharsets.UTF_8),
						defaultMode);
			}
			else if (projection.getConfigMap() != null) {
				var ref = projection.getConfigMap();
				ConfigMap map = this.objects.configMap(namespace, ref.getName());
				if (map == null) {
					if (Boolean.TRUE.equals(ref.getOptional())) {
						continue;
					}
					throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume
							+ "\" : couldn't get configMap " + namespace + "/" + ref.getName() + ": configmap \""
							+ ref.getName() + "\" not found");
				}
				keys(volume, VolumeManager.configMapData(map), ref.getItems(), ref.getOptional(), defaultMode, files);
			}
			else if (projection.getSecret() != null) {
				var ref = projection.getSecret();
				Secret secret = this.objects.secret(namespace, ref.getName());
				if (secret == null) {
					if (Boolean.TRUE.equals(ref.getOptional())) {
						continue;
					}
					throw new VolumeException(
							"MountVolume.SetUp failed for volume \"" + volume + "\" : couldn't get secret " + namespace
									+ "/" + ref.getName() + ": secret \"" + ref.getName() + "\" not found");
				}
				keys(volume, VolumeManager.secretData(secret), ref.getItems(), ref.getOptional(), defaultMode, files);
			}
			else if (projection.getDownwardAPI() != null) {
				downward(pod, volume, projection.getDownwardAPI().getItems(), defaultMode, files);
			}
			else if (projection.getClusterTrustBundle() != null) {
				throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume
						+ "\" : clusterTrustBundle projections are not supported by this node");
			}
		}
		return files;
	}

	VolumeFiles downwardApi(Pod pod, String volume, List<DownwardAPIVolumeFile> items, Integer defaultMode)
			throws VolumeException {
		VolumeFiles files = new VolumeFiles();
		downward(pod, volume, items, defaultMode == null ? DEFAULT_MODE : defaultMode, files);
		return files;
	}

	private static void keys(String volume, Map<String, byte[]> data, List<KeyToPath> items, Boolean optional,
			int defaultMode, VolumeFiles files) throws VolumeException {
		if (items == null || items.isEmpty()) {
			data.forEach((key, value) -> files.put(key, value, defaultMode));
			return;
		}
		Map<String, byte[]> selected = VolumeManager.project(volume, data, items, optional);
		for (KeyToPath item : items) {
			if (selected.containsKey(item.getPath())) {
				files.put(item.getPath(), selected.get(item.getPath()),
						item.getMode() == null ? defaultMode : item.getMode());
			}
		}
	}

	/**
	 * fieldRef (metadata.name, namespace, uid, labels, annotations, one label or
	 * annotation) and resourceFieldRef (of the named container) as the env resolver reads
	 * them: the same values a container's environment gets.
	 */
	private static void downward(Pod pod, String volume, List<DownwardAPIVolumeFile> items, int defaultMode,
			VolumeFiles files) throws VolumeException {
		for (DownwardAPIVolumeFile item : nonNull(items)) {
			String value;
			try {
				if (item.getFieldRef() != null) {
					value = EnvResolver.fieldRef(pod, item.getFieldRef(), null, null);
				}
				else if (item.getResourceFieldRef() != null) {
					value = EnvResolver.resourceFieldRef(container(pod, volume, item), item.getResourceFieldRef());
				}
				else {
					continue;
				}
			}
			catch (ContainerConfigException ex) {
				throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume + "\" : " + item.getPath()
						+ ": " + ex.getMessage());
			}
			files.put(item.getPath(), (value == null ? "" : value).getBytes(StandardCharsets.UTF_8),
					item.getMode() == null ? defaultMode : item.getMode());
		}
	}

	private static Container container(Pod pod, String volume, DownwardAPIVolumeFile item) throws VolumeException {
		String name = item.getResourceFieldRef().getContainerName();
		for (List<Container> containers : List.of(nonNull(pod.getSpec().getContainers()),
				nonNull(pod.getSpec().getInitContainers()))) {
			for (Container container : containers) {
				if (name == null || name.isEmpty() || container.getName().equals(name)) {
					return container;
				}
			}
		}
		throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume + "\" : " + item.getPath()
				+ ": container \"" + name + "\" not found in the pod");
	}

	private static <T> List<T> nonNull(List<T> list) {
		return list == null ? List.of() : list;
	}

}
