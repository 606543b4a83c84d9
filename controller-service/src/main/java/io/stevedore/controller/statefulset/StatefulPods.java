package io.stevedore.controller.statefulset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.controller.workload.ControllerHistory;
import io.stevedore.controller.workload.PodTemplates;

/**
 * A StatefulSet's pod and claims for one ordinal (Kubernetes'
 * {@code newVersionedStatefulSetPod} and {@code getPersistentVolumeClaims}): stable name
 * {@code <set>-<ordinal>}, hostname and subdomain for the governing Service's DNS, one
 * claim per volumeClaimTemplate named {@code <template>-<set>-<ordinal>} mounted in place
 * of the template's volume.
 */
final class StatefulPods {

	static final String REVISION_HASH = ControllerHistory.HASH_LABEL;

	static final String POD_NAME = "statefulset.kubernetes.io/pod-name";

	static final String POD_INDEX = "apps.kubernetes.io/pod-index";

	private StatefulPods() {
	}

	static String podName(StatefulSet set, int ordinal) {
		return set.getMetadata().getName() + "-" + ordinal;
	}

	/** The ordinal in a pod's name, or -1 when it is not one of the set's names. */
	static int ordinalOf(StatefulSet set, Pod pod) {
		String prefix = set.getMetadata().getName() + "-";
		String name = pod.getMetadata().getName();
		if (!name.startsWith(prefix)) {
			return -1;
		}
		try {
			return Integer.parseInt(name.substring(prefix.length()));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * The {@code controller-revision-hash} label, or null: an adopted pod may carry no
	 * labels the selector does not ask for.
	 */
	static String revisionOf(Pod pod) {
		return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(REVISION_HASH);
	}

	static String claimName(StatefulSet set, String template, int ordinal) {
		return template + "-" + podName(set, ordinal);
	}

	static Pod newPod(StatefulSet set, PodTemplateSpec template, String revision, int ordinal) {
		Pod pod = PodTemplates.podFromTemplate(template, set);
		String name = podName(set, ordinal);
		pod.getMetadata().setName(name);
		pod.getMetadata().getLabels().put(REVISION_HASH, revision);
		pod.getMetadata().getLabels().put(POD_NAME, name);
		pod.getMetadata().getLabels().put(POD_INDEX, Integer.toString(ordinal));
		pod.getSpec().setHostname(name);
		if (set.getSpec().getServiceName() != null && !set.getSpec().getServiceName().isEmpty()) {
			pod.getSpec().setSubdomain(set.getSpec().getServiceName());
		}
		List<PersistentVolumeClaim> templates = set.getSpec().getVolumeClaimTemplates();
		if (templates != null && !templates.isEmpty()) {
			List<Volume> volumes = pod.getSpec().getVolumes() == null ? new ArrayList<>()
					: new ArrayList<>(pod.getSpec().getVolumes());
			for (PersistentVolumeClaim claim : templates) {
				String volumeName = claim.getMetadata().getName();
				volumes.removeIf(v -> volumeName.equals(v.getName()));
				Volume volume = new Volume();
				volume.setName(volumeName);
				volume.setPersistentVolumeClaim(
						new PersistentVolumeClaimVolumeSource(claimName(set, volumeName, ordinal), false));
				volumes.add(volume);
			}
			pod.getSpec().setVolumes(volumes);
		}
		return pod;
	}

	/**
	 * The claims of an ordinal, labelled with the set's selector. With
	 * persistentVolumeClaimRetentionPolicy.whenDeleted=Delete they are owned by the set,
	 * so the garbage collector removes them with it; by default they are retained.
	 */
	static List<PersistentVolumeClaim> claims(StatefulSet set, int ordinal) {
		List<PersistentVolumeClaim> claims = new ArrayList<>();
		if (set.getSpec().getVolumeClaimTemplates() == null) {
			return claims;
		}
		boolean deleteWithSet = set.getSpec().getPersistentVolumeClaimRetentionPolicy() != null
				&& "Delete".equals(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted());
		for (PersistentVolumeClaim template : set.getSpec().getVolumeClaimTemplates()) {
			PersistentVolumeClaim claim = Serialization.clone(template);
			ObjectMeta meta = claim.getMetadata();
			meta.setName(claimName(set, template.getMetadata().getName(), ordinal));
			meta.setNamespace(set.getMetadata().getNamespace());
			Map<String, String> labels = meta.getLabels() == null ? new LinkedHashMap<>()
					: new LinkedHashMap<>(meta.getLabels());
			if (set.getSpec().getSelector() != null && set.getSpec().getSelector().getMatchLabels() != null) {
				labels.putAll(set.getSpec().getSelector().getMatchLabels());
			}
			meta.setLabels(labels);
			if (deleteWithSet) {
				meta.setOwnerReferences(
						new ArrayList<>(List.of(new OwnerReferenceBuilder().withApiVersion(set.getApiVersion())
							.withKind(set.getKind())
							.withName(set.getMetadata().getName())
							.withUid(set.getMetadata().getUid())
							.build())));
			}
			claim.setApiVersion("v1");
			claim.setKind("PersistentVolumeClaim");
			claim.setStatus(null);
			claims.add(claim);
		}
		return claims;
	}

}
