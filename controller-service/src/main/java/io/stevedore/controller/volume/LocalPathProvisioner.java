package io.stevedore.controller.volume;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;

/**
 * The {@code stevedore.io/local-path} provisioner, after rancher's
 * local-path-provisioner: a claim gets a hostPath volume in a directory of its own on the
 * node the scheduler chose for its first pod
 * ({@code volume.kubernetes.io/selected-node}), and the volume's node affinity keeps
 * every later pod on that node. The directory is made by the node agent when a pod mounts
 * it (hostPath type DirectoryOrCreate), as the provisioner's helper pod does in
 * Kubernetes.
 */
public final class LocalPathProvisioner {

	public static final String NAME = "stevedore.io/local-path";

	public static final String DEFAULT_CLASS = "standard";

	static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";

	static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

	private final String root;

	/**
	 * @param root the directory under which each node's volumes live, as
	 * {@code <root>/<node>/<volume>_<namespace>_<claim>}
	 */
	public LocalPathProvisioner(String root) {
		this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
	}

	/** The class a new cluster has, annotated as the default (k3s ships the same). */
	public static StorageClass defaultClass() {
		return new StorageClassBuilder().withNewMetadata()
			.withName(DEFAULT_CLASS)
			.addToAnnotations("storageclass.kubernetes.io/is-default-class", "true")
			.endMetadata()
			.withProvisioner(NAME)
			.withReclaimPolicy("Delete")
			.withVolumeBindingMode("WaitForFirstConsumer")
			.build();
	}

	/** The volume for the claim on the node, pre-bound to the claim. */
	PersistentVolume volumeFor(PersistentVolumeClaim claim, StorageClass storageClass, String node) {
		String name = "pvc-" + claim.getMetadata().getUid();
		String namespace = claim.getMetadata().getNamespace();
		String claimName = claim.getMetadata().getName();
		Quantity size = claim.getSpec().getResources() == null || claim.getSpec().getResources().getRequests() == null
				? null : claim.getSpec().getResources().getRequests().get("storage");
		String reclaim = storageClass.getReclaimPolicy() == null ? "Delete" : storageClass.getReclaimPolicy();
		return new PersistentVolumeBuilder().withNewMetadata()
			.withName(name)
			.addToAnnotations(PROVISIONED_BY, NAME)
			.endMetadata()
			.withNewSpec()
			.withCapacity(Map.of("storage", size == null ? new Quantity("1Gi") : size))
			.withAccessModes(claim.getSpec().getAccessModes() == null || claim.getSpec().getAccessModes().isEmpty()
					? List.of("ReadWriteOnce") : claim.getSpec().getAccessModes())
			.withPersistentVolumeReclaimPolicy(reclaim)
			.withStorageClassName(storageClass.getMetadata().getName())
			.withVolumeMode("Filesystem")
			.withNewHostPath(this.root + "/" + node + "/" + name + "_" + namespace + "_" + claimName,
					"DirectoryOrCreate")
			.withClaimRef(new ObjectReferenceBuilder().withApiVersion("v1")
				.withKind("PersistentVolumeClaim")
				.withNamespace(namespace)
				.withName(claimName)
				.withUid(claim.getMetadata().getUid())
				.withResourceVersion(claim.getMetadata().getResourceVersion())
				.build())
			.withNewNodeAffinity()
			.withNewRequired()
			.addNewNodeSelectorTerm()
			.addNewMatchExpression()
			.withKey(HOSTNAME_LABEL)
			.withOperator("In")
			.withValues(node)
			.endMatchExpression()
			.endNodeSelectorTerm()
			.endRequired()
			.endNodeAffinity()
			.endSpec()
			.build();
	}

}
