package io.stevedore.machinery.defaulting;

import io.fabric8.kubernetes.api.model.Volume;

/** Whether a volume names any source; one without gets an emptyDir, as in Kubernetes. */
final class VolumeSources {

	private VolumeSources() {
	}

	static boolean none(Volume v) {
		return v.getHostPath() == null && v.getEmptyDir() == null && v.getGitRepo() == null
				&& v.getGcePersistentDisk() == null && v.getAwsElasticBlockStore() == null && v.getSecret() == null
				&& v.getNfs() == null && v.getIscsi() == null && v.getGlusterfs() == null && v.getFlocker() == null
				&& v.getPersistentVolumeClaim() == null && v.getRbd() == null && v.getFlexVolume() == null
				&& v.getCinder() == null && v.getCephfs() == null && v.getDownwardAPI() == null && v.getFc() == null
				&& v.getAzureFile() == null && v.getConfigMap() == null && v.getVsphereVolume() == null
				&& v.getQuobyte() == null && v.getAzureDisk() == null && v.getPhotonPersistentDisk() == null
				&& v.getProjected() == null && v.getPortworxVolume() == null && v.getScaleIO() == null
				&& v.getStorageos() == null && v.getCsi() == null && v.getEphemeral() == null && v.getImage() == null;
	}

}
