package io.stevedore.machinery.validation.core;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.NameValidation;

/**
 * A pod's {@code volumes}: unique DNS-1123 label names and exactly one source each, with
 * the required fields of the common sources.
 */
public final class VolumeValidation {

	private static final String FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive";

	/** The volume sources by JSON name, in Kubernetes' order. */
	private static final Map<String, Function<Volume, Object>> SOURCES = new LinkedHashMap<>();

	static {
		SOURCES.put("hostPath", Volume::getHostPath);
		SOURCES.put("emptyDir", Volume::getEmptyDir);
		SOURCES.put("gitRepo", Volume::getGitRepo);
		SOURCES.put("gcePersistentDisk", Volume::getGcePersistentDisk);
		SOURCES.put("awsElasticBlockStore", Volume::getAwsElasticBlockStore);
		SOURCES.put("secret", Volume::getSecret);
		SOURCES.put("nfs", Volume::getNfs);
		SOURCES.put("iscsi", Volume::getIscsi);
		SOURCES.put("glusterfs", Volume::getGlusterfs);
		SOURCES.put("flocker", Volume::getFlocker);
		SOURCES.put("persistentVolumeClaim", Volume::getPersistentVolumeClaim);
		SOURCES.put("rbd", Volume::getRbd);
		SOURCES.put("flexVolume", Volume::getFlexVolume);
		SOURCES.put("cinder", Volume::getCinder);
		SOURCES.put("cephfs", Volume::getCephfs);
		SOURCES.put("downwardAPI", Volume::getDownwardAPI);
		SOURCES.put("fc", Volume::getFc);
		SOURCES.put("azureFile", Volume::getAzureFile);
		SOURCES.put("configMap", Volume::getConfigMap);
		SOURCES.put("vsphereVolume", Volume::getVsphereVolume);
		SOURCES.put("quobyte", Volume::getQuobyte);
		SOURCES.put("azureDisk", Volume::getAzureDisk);
		SOURCES.put("photonPersistentDisk", Volume::getPhotonPersistentDisk);
		SOURCES.put("projected", Volume::getProjected);
		SOURCES.put("portworxVolume", Volume::getPortworxVolume);
		SOURCES.put("scaleIO", Volume::getScaleIO);
		SOURCES.put("storageos", Volume::getStorageos);
		SOURCES.put("csi", Volume::getCsi);
		SOURCES.put("ephemeral", Volume::getEphemeral);
		SOURCES.put("image", Volume::getImage);
	}

	private VolumeValidation() {
	}

	/** Validates the volumes and returns their names through {@code names}. */
	static List<FieldError> validate(List<Volume> volumes, FieldPath path, Set<String> names) {
		List<FieldError> errs = new ArrayList<>();
		for (int i = 0; i < volumes.size(); i++) {
			Volume v = volumes.get(i);
			FieldPath p = path.index(i);
			List<FieldError> nameErrs = CommonValidation.required(v.getName(), p.child("name"),
					NameValidation::dns1123Label);
			errs.addAll(nameErrs);
			if (nameErrs.isEmpty() && !names.add(v.getName())) {
				errs.add(FieldError.duplicate(p.child("name").toString(), v.getName()));
			}
			errs.addAll(source(v, p));
		}
		return errs;
	}

	private static List<FieldError> source(Volume v, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		Set<String> set = new LinkedHashSet<>();
		for (Map.Entry<String, Function<Volume, Object>> s : SOURCES.entrySet()) {
			if (s.getValue().apply(v) != null) {
				if (!set.isEmpty()) {
					errs.add(FieldError.forbidden(path.child(s.getKey()).toString(),
							"may not specify more than 1 volume type"));
				}
				set.add(s.getKey());
			}
		}
		if (set.isEmpty()) {
			errs.add(FieldError.required(path.toString(), "must specify a volume type"));
		}
		if (v.getHostPath() != null && isEmpty(v.getHostPath().getPath())) {
			errs.add(FieldError.required(path.child("hostPath", "path").toString(), ""));
		}
		if (v.getSecret() != null) {
			FieldPath p = path.child("secret");
			if (isEmpty(v.getSecret().getSecretName())) {
				errs.add(FieldError.required(p.child("secretName").toString(), ""));
			}
			errs.addAll(fileMode(v.getSecret().getDefaultMode(), p.child("defaultMode")));
			errs.addAll(items(list(v.getSecret().getItems()), p.child("items")));
		}
		if (v.getConfigMap() != null) {
			FieldPath p = path.child("configMap");
			if (isEmpty(v.getConfigMap().getName())) {
				errs.add(FieldError.required(p.child("name").toString(), ""));
			}
			errs.addAll(fileMode(v.getConfigMap().getDefaultMode(), p.child("defaultMode")));
			errs.addAll(items(list(v.getConfigMap().getItems()), p.child("items")));
		}
		if (v.getPersistentVolumeClaim() != null && isEmpty(v.getPersistentVolumeClaim().getClaimName())) {
			errs.add(FieldError.required(path.child("persistentVolumeClaim", "claimName").toString(), ""));
		}
		if (v.getEmptyDir() != null && v.getEmptyDir().getSizeLimit() != null) {
			errs.addAll(CommonValidation.quantity(v.getEmptyDir().getSizeLimit(), path.child("emptyDir", "sizeLimit"),
					false));
		}
		if (v.getNfs() != null) {
			if (isEmpty(v.getNfs().getServer())) {
				errs.add(FieldError.required(path.child("nfs", "server").toString(), ""));
			}
			if (isEmpty(v.getNfs().getPath())) {
				errs.add(FieldError.required(path.child("nfs", "path").toString(), ""));
			}
		}
		return errs;
	}

	private static List<FieldError> items(List<KeyToPath> items, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			KeyToPath kp = items.get(i);
			FieldPath p = path.index(i);
			if (isEmpty(kp.getKey())) {
				errs.add(FieldError.required(p.child("key").toString(), ""));
			}
			if (isEmpty(kp.getPath())) {
				errs.add(FieldError.required(p.child("path").toString(), ""));
			}
			else {
				errs.addAll(localNonReversiblePath(kp.getPath(), p.child("path")));
			}
			errs.addAll(fileMode(kp.getMode(), p.child("mode")));
		}
		return errs;
	}

	private static List<FieldError> fileMode(Integer mode, FieldPath path) {
		if (mode != null && (mode > 0777 || mode < 0)) {
			return List.of(FieldError.invalid(path.toString(), mode, FILE_MODE_ERROR));
		}
		return List.of();
	}

	/**
	 * A relative path that cannot climb out of its volume (no absolute path, no '..').
	 */
	static List<FieldError> localDescendingPath(String target, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (target.startsWith("/")) {
			errs.add(FieldError.invalid(path.toString(), target, "must be a relative path"));
		}
		errs.addAll(noBacksteps(target, path));
		return errs;
	}

	private static List<FieldError> localNonReversiblePath(String target, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (target.startsWith("/")) {
			errs.add(FieldError.invalid(path.toString(), target, "must be a relative path"));
		}
		errs.addAll(noBacksteps(target, path));
		return errs;
	}

	private static List<FieldError> noBacksteps(String target, FieldPath path) {
		for (String part : target.split("/")) {
			if (part.equals("..")) {
				return List.of(FieldError.invalid(path.toString(), target, "must not contain '..'"));
			}
		}
		return List.of();
	}

}
