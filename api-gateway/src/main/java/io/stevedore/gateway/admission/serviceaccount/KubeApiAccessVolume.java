package io.stevedore.gateway.admission.serviceaccount;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSource;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/**
 * Kubernetes' token mount of the ServiceAccount admission plugin: a projected volume
 * {@code kube-api-access-<5 random>} with the account's bound token ({@code token},
 * {@code expirationSeconds} 3607 so the kubelet's refresh is observable as in
 * Kubernetes), the cluster CA from the {@code kube-root-ca.crt} ConfigMap
 * ({@code ca.crt}) and the pod's namespace ({@code namespace}), mounted read-only at
 * {@value #MOUNT_PATH} in every init and app container that has no mount there yet. A pod
 * that already carries a {@code kube-api-access-*} volume keeps it (an apply of a pod
 * read back from the API must not grow a second one). Thread-safe when its random
 * generator is (admission runs on many threads at once).
 */
public final class KubeApiAccessVolume implements TokenVolumeMounter {

	public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

	public static final String VOLUME_PREFIX = "kube-api-access-";

	public static final String ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";

	/** One hour plus seven seconds: Kubernetes' default, recognisable in the token. */
	static final long EXPIRATION_SECONDS = 3607;

	/** corev1.ProjectedVolumeSourceDefaultMode, set explicitly as Kubernetes does. */
	static final int DEFAULT_MODE = 0644;

	/** apimachinery's SimpleNameGenerator alphabet: no vowels, no look-alike digits. */
	private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

	private static final int SUFFIX_LENGTH = 5;

	private final RandomGenerator random;

	public KubeApiAccessVolume(RandomGenerator random) {
		this.random = random;
	}

	@Override
	public void mount(ServiceAccount account, Pod pod) {
		List<Volume> volumes = pod.getSpec().getVolumes() == null ? new ArrayList<>()
				: new ArrayList<>(pod.getSpec().getVolumes());
		String volumeName = null;
		for (Volume volume : volumes) {
			if (volumeName == null && volume.getName() != null && volume.getName().startsWith(VOLUME_PREFIX)) {
				volumeName = volume.getName();
			}
		}
		boolean hasVolume = volumeName != null;
		if (!hasVolume) {
			volumeName = generateName();
		}
		VolumeMount mount = new VolumeMountBuilder().withName(volumeName)
			.withReadOnly(true)
			.withMountPath(MOUNT_PATH)
			.build();
		boolean needed = addMount(pod.getSpec().getInitContainers(), mount);
		needed |= addMount(pod.getSpec().getContainers(), mount);
		if (!hasVolume && needed) {
			volumes.add(new VolumeBuilder().withName(volumeName).withProjected(source()).build());
			pod.getSpec().setVolumes(volumes);
		}
	}

	/** The projected source every pod gets (Kubernetes' TokenVolumeSource). */
	public static ProjectedVolumeSource source() {
		return new ProjectedVolumeSourceBuilder().withDefaultMode(DEFAULT_MODE)
			.addNewSource()
			.withNewServiceAccountToken()
			.withPath("token")
			.withExpirationSeconds(EXPIRATION_SECONDS)
			.endServiceAccountToken()
			.endSource()
			.addNewSource()
			.withNewConfigMap()
			.withName(ROOT_CA_CONFIG_MAP)
			.addNewItem()
			.withKey("ca.crt")
			.withPath("ca.crt")
			.endItem()
			.endConfigMap()
			.endSource()
			.addNewSource()
			.withNewDownwardAPI()
			.addNewItem()
			.withPath("namespace")
			.withNewFieldRef("v1", "metadata.namespace")
			.endItem()
			.endDownwardAPI()
			.endSource()
			.build();
	}

	/** Adds the mount to each container without one at the path; true if any got it. */
	private static boolean addMount(List<Container> containers, VolumeMount mount) {
		boolean added = false;
		for (Container container : containers == null ? List.<Container>of() : containers) {
			List<VolumeMount> mounts = container.getVolumeMounts() == null ? new ArrayList<>()
					: new ArrayList<>(container.getVolumeMounts());
			if (mounts.stream().anyMatch(m -> MOUNT_PATH.equals(m.getMountPath()))) {
				continue;
			}
			mounts.add(new VolumeMountBuilder(mount).build());
			container.setVolumeMounts(mounts);
			added = true;
		}
		return added;
	}

	/**
	 * A fresh name. It cannot clash with the pod's own volumes: a pod with any
	 * {@code kube-api-access-} volume keeps that one instead.
	 */
	private String generateName() {
		StringBuilder name = new StringBuilder(VOLUME_PREFIX);
		for (int i = 0; i < SUFFIX_LENGTH; i++) {
			name.append(ALPHANUMS.charAt(this.random.nextInt(ALPHANUMS.length())));
		}
		return name.toString();
	}

}
