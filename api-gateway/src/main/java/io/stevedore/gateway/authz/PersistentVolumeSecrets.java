package io.stevedore.gateway.authz;

import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.AzureFilePersistentVolumeSource;
import io.fabric8.kubernetes.api.model.CSIPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.CephFSPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.CinderPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.FlexPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.ISCSIPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.RBDPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.ScaleIOPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.SecretReference;

/**
 * The edge of Kubernetes' node graph from a PersistentVolume to the Secrets it names
 * (VisitPVSecretNames), which a node may read once the volume's claim is one of its pods'
 * (node ← pod ← pvc ← pv ← secret). Only the Secrets the node agent reads to mount the
 * volume count: a CSI volume's controllerPublish and controllerExpand secrets are for the
 * controllers, and Kubernetes grants a node no edge to them. A volume bound to no claim
 * names nothing, as in Kubernetes' graph.
 */
final class PersistentVolumeSecrets {

	private PersistentVolumeSecrets() {
	}

	/** A Secret by namespace and name. */
	record SecretName(String namespace, String name) {
	}

	static Set<SecretName> of(PersistentVolume volume) {
		PersistentVolumeSpec spec = volume.getSpec();
		if (spec == null || spec.getClaimRef() == null) {
			return Set.of();
		}
		String claimNamespace = spec.getClaimRef().getNamespace();
		AzureFilePersistentVolumeSource azureFile = spec.getAzureFile();
		CSIPersistentVolumeSource csi = spec.getCsi();
		// Where a ref names no namespace: azureFile's secretNamespace and the cephfs,
		// flexVolume, iscsi, rbd and scaleIO refs' namespace came after volumes had been
		// stored without one, which meant the claim's. Cinder's, StorageOS' and CSI's are
		// taken as written: one without a namespace names no Secret a node could ask for.
		return Stream
			.of(azureFile == null ? null
					: new SecretName(orDefault(azureFile.getSecretNamespace(), claimNamespace),
							azureFile.getSecretName()),
					defaulted(spec.getCephfs(), CephFSPersistentVolumeSource::getSecretRef, claimNamespace),
					defaulted(spec.getFlexVolume(), FlexPersistentVolumeSource::getSecretRef, claimNamespace),
					defaulted(spec.getIscsi(), ISCSIPersistentVolumeSource::getSecretRef, claimNamespace),
					defaulted(spec.getRbd(), RBDPersistentVolumeSource::getSecretRef, claimNamespace),
					defaulted(spec.getScaleIO(), ScaleIOPersistentVolumeSource::getSecretRef, claimNamespace),
					defaulted(spec.getCinder(), CinderPersistentVolumeSource::getSecretRef, null),
					spec.getStorageos() == null || spec.getStorageos().getSecretRef() == null ? null
							: new SecretName(spec.getStorageos().getSecretRef().getNamespace(),
									spec.getStorageos().getSecretRef().getName()),
					defaulted(csi, CSIPersistentVolumeSource::getNodePublishSecretRef, null),
					defaulted(csi, CSIPersistentVolumeSource::getNodeStageSecretRef, null),
					defaulted(csi, CSIPersistentVolumeSource::getNodeExpandSecretRef, null))
			.filter((secret) -> secret != null && !isEmpty(secret.namespace()) && !isEmpty(secret.name()))
			.collect(Collectors.toUnmodifiableSet());
	}

	/** The Secret {@code source} names; in {@code namespace} when the ref names none. */
	private static <S> SecretName defaulted(S source, Function<S, SecretReference> reference, String namespace) {
		SecretReference ref = source == null ? null : reference.apply(source);
		return ref == null ? null : new SecretName(orDefault(ref.getNamespace(), namespace), ref.getName());
	}

	private static String orDefault(String value, String fallback) {
		return isEmpty(value) ? fallback : value;
	}

	private static boolean isEmpty(String value) {
		return value == null || value.isEmpty();
	}

}
