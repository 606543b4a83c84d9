package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;

/**
 * Restricted: only configMap, csi, downwardAPI, emptyDir, ephemeral,
 * persistentVolumeClaim, projected and secret volumes. Any other type (image volumes
 * included, in v1.32) is named by its field, or {@code unknown}.
 */
final class RestrictedVolumes {

	private RestrictedVolumes() {
	}

	static Check check() {
		return Check.restrictedOverriding("restrictedVolumes", "hostPathVolumes",
				Check.Revision.since(0, RestrictedVolumes::restrictedVolumes1Dot0));
	}

	static CheckResult restrictedVolumes1Dot0(ObjectMeta metadata, PodSpec spec) {
		List<String> bad = new ArrayList<>();
		TreeSet<String> types = new TreeSet<>();
		for (Volume volume : PodContainers.nonNull(spec.getVolumes())) {
			if (allowed(volume)) {
				continue;
			}
			bad.add(volume.getName() == null ? "" : volume.getName());
			types.add(restrictedType(volume));
		}
		if (bad.isEmpty()) {
			return CheckResult.ok();
		}
		return CheckResult.forbidden("restricted volume types",
				Texts.pluralize("volume", "volumes", bad.size()) + " " + Texts.joinQuote(bad) + " "
						+ Texts.pluralize("uses", "use", bad.size()) + " "
						+ Texts.pluralize("restricted volume type", "restricted volume types", types.size()) + " "
						+ Texts.joinQuote(types));
	}

	private static boolean allowed(Volume volume) {
		return volume.getConfigMap() != null || volume.getCsi() != null || volume.getDownwardAPI() != null
				|| volume.getEmptyDir() != null || volume.getEphemeral() != null
				|| volume.getPersistentVolumeClaim() != null || volume.getProjected() != null
				|| volume.getSecret() != null;
	}

	// Kubernetes' switch order: the first set field names the type.
	private static String restrictedType(Volume volume) {
		if (volume.getHostPath() != null) {
			return "hostPath";
		}
		if (volume.getGcePersistentDisk() != null) {
			return "gcePersistentDisk";
		}
		if (volume.getAwsElasticBlockStore() != null) {
			return "awsElasticBlockStore";
		}
		if (volume.getGitRepo() != null) {
			return "gitRepo";
		}
		if (volume.getNfs() != null) {
			return "nfs";
		}
		if (volume.getIscsi() != null) {
			return "iscsi";
		}
		if (volume.getGlusterfs() != null) {
			return "glusterfs";
		}
		if (volume.getRbd() != null) {
			return "rbd";
		}
		if (volume.getFlexVolume() != null) {
			return "flexVolume";
		}
		if (volume.getCinder() != null) {
			return "cinder";
		}
		if (volume.getCephfs() != null) {
			return "cephfs";
		}
		if (volume.getFlocker() != null) {
			return "flocker";
		}
		if (volume.getFc() != null) {
			return "fc";
		}
		if (volume.getAzureFile() != null) {
			return "azureFile";
		}
		if (volume.getVsphereVolume() != null) {
			return "vsphereVolume";
		}
		if (volume.getQuobyte() != null) {
			return "quobyte";
		}
		if (volume.getAzureDisk() != null) {
			return "azureDisk";
		}
		if (volume.getPhotonPersistentDisk() != null) {
			return "photonPersistentDisk";
		}
		if (volume.getPortworxVolume() != null) {
			return "portworxVolume";
		}
		if (volume.getScaleIO() != null) {
			return "scaleIO";
		}
		if (volume.getStorageos() != null) {
			return "storageos";
		}
		return "unknown";
	}

}
