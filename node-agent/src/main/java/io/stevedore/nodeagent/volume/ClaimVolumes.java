package io.stevedore.nodeagent.volume;

import java.io.IOException;
import java.nio.file.Path;

import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.stevedore.nodeagent.pod.ApiObjects;
import io.stevedore.nodeagent.pod.VolumeException;

/**
 * persistentVolumeClaim volumes: claim, then the volume it is bound to, then that
 * volume's directory on this node, which the containers bind-mount. Until the claim is
 * bound the pod stays ContainerCreating with a FailedMount event naming the claim (the
 * kubelet's "unbound immediate PersistentVolumeClaims" wait); the sync retries.
 */
public final class ClaimVolumes {

	/** Sets up a hostPath on the node (the agent's own hostPath plugin). */
	@FunctionalInterface
	public interface HostPaths {

		Path setUp(String volume, HostPathVolumeSource source) throws IOException, VolumeException;

	}

	private ClaimVolumes() {
	}

	public static Path hostPath(ApiObjects objects, String namespace, String volume, String claimName,
			HostPaths hostPaths) throws IOException, VolumeException {
		PersistentVolumeClaim claim = objects.persistentVolumeClaim(namespace, claimName);
		if (claim == null) {
			throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume
					+ "\" : persistentvolumeclaim \"" + claimName + "\" not found");
		}
		if (claim.getMetadata().getDeletionTimestamp() != null) {
			throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume
					+ "\" : persistentvolumeclaim \"" + claimName + "\" is being deleted");
		}
		String volumeName = claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
		boolean bound = claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase());
		if (volumeName == null || volumeName.isEmpty() || !bound) {
			throw new VolumeException(
					"volume \"" + volume + "\": waiting for persistentvolumeclaim \"" + claimName + "\" to be bound");
		}
		PersistentVolume pv = objects.persistentVolume(volumeName);
		if (pv == null) {
			throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume + "\" : persistentvolume \""
					+ volumeName + "\" not found");
		}
		if (pv.getSpec().getHostPath() != null) {
			return hostPaths.setUp(volume, pv.getSpec().getHostPath());
		}
		if (pv.getSpec().getLocal() != null) {
			// A local volume's directory is made by its administrator: it must exist.
			return hostPaths.setUp(volume, new HostPathVolumeSource(pv.getSpec().getLocal().getPath(), "Directory"));
		}
		throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume + "\" : persistentvolume \""
				+ volumeName + "\": this node mounts hostPath and local persistent volumes only");
	}

}
