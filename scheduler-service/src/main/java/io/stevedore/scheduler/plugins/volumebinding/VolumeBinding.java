package io.stevedore.scheduler.plugins.volumebinding;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.FilterPlugin;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.PreFilterPlugin;
import io.stevedore.scheduler.framework.ReservePlugin;
import io.stevedore.scheduler.framework.Status;

/**
 * Kubernetes' VolumeBinding plugin, for the volumes Stevedore has: a pod whose claim is
 * bound to a volume tied to one node (a local or local-path volume's required
 * {@code kubernetes.io/hostname} affinity) fits that node only; a pod whose claim waits
 * for its first consumer ({@code WaitForFirstConsumer}) has the chosen node written on
 * the claim as {@code volume.kubernetes.io/selected-node}, which is the provisioner's
 * cue. A claim that is missing, or unbound with Immediate binding, keeps the pod Pending.
 * <p>
 * Kubernetes writes the annotation in PreBind and waits there for the binding; here it is
 * written at Reserve and the node agent waits for the claim to be Bound (the pod stays
 * ContainerCreating), which ends the same way.
 */
public final class VolumeBinding implements PreFilterPlugin, FilterPlugin, ReservePlugin {

	public static final String NAME = "VolumeBinding";

	static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";

	static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

	static final String NODE_CONFLICT = "node(s) had volume node affinity conflict";

	private static final CycleState.Key<Claims> KEY = CycleState.Key.of(NAME, Claims.class);

	private final VolumeLookup lookup;

	public VolumeBinding(VolumeLookup lookup) {
		this.lookup = lookup;
	}

	@Override
	public String name() {
		return NAME;
	}

	/** The pod's claims, read once per cycle. */
	record Claims(List<String> requiredNodes, List<PersistentVolumeClaim> waiting) {
	}

	@Override
	public Status preFilter(CycleState state, PodInfo pod, NodeSnapshot snapshot) {
		List<Volume> volumes = pod.pod().getSpec().getVolumes();
		List<String> requiredNodes = new ArrayList<>();
		List<PersistentVolumeClaim> waiting = new ArrayList<>();
		for (Volume volume : volumes == null ? List.<Volume>of() : volumes) {
			if (volume.getPersistentVolumeClaim() == null) {
				continue;
			}
			String claimName = volume.getPersistentVolumeClaim().getClaimName();
			PersistentVolumeClaim claim = this.lookup.claim(pod.namespace(), claimName);
			if (claim == null) {
				return Status.unresolvable("persistentvolumeclaim \"" + claimName + "\" not found");
			}
			if (claim.getMetadata().getDeletionTimestamp() != null) {
				return Status.unresolvable("persistentvolumeclaim \"" + claimName + "\" is being deleted");
			}
			String volumeName = volumeName(claim);
			if (volumeName == null && !waitsForFirstConsumer(claim)) {
				// A cached claim may lag its binding: ask once more before keeping the
				// pod out.
				PersistentVolumeClaim latest = this.lookup.latestClaim(pod.namespace(), claimName);
				volumeName = latest == null ? null : volumeName(latest);
				if (volumeName == null) {
					return Status.unschedulable("pod has unbound immediate PersistentVolumeClaims");
				}
			}
			if (volumeName != null) {
				PersistentVolume pv = this.lookup.volume(volumeName);
				if (pv == null) {
					return Status.unresolvable("persistentvolume \"" + volumeName + "\" not found");
				}
				String node = requiredNode(pv);
				if (node != null) {
					requiredNodes.add(node);
				}
				continue;
			}
			waiting.add(claim);
		}
		if (requiredNodes.isEmpty() && waiting.isEmpty()) {
			return Status.skip();
		}
		state.write(KEY, new Claims(List.copyOf(requiredNodes), List.copyOf(waiting)));
		return Status.success();
	}

	private static String volumeName(PersistentVolumeClaim claim) {
		String name = claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
		return name == null || name.isEmpty() ? null : name;
	}

	private boolean waitsForFirstConsumer(PersistentVolumeClaim claim) {
		String className = claim.getSpec() == null ? null : claim.getSpec().getStorageClassName();
		StorageClass storageClass = className == null || className.isEmpty() ? null
				: this.lookup.storageClass(className);
		return storageClass != null && "WaitForFirstConsumer".equals(storageClass.getVolumeBindingMode());
	}

	@Override
	public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
		Claims claims = state.read(KEY);
		if (claims == null) {
			return Status.success();
		}
		for (String required : claims.requiredNodes()) {
			if (!required.equals(hostname(node))) {
				return Status.unresolvable(NODE_CONFLICT);
			}
		}
		return Status.success();
	}

	@Override
	public Status reserve(CycleState state, PodInfo pod, String nodeName) {
		Claims claims = state.read(KEY);
		if (claims == null) {
			return Status.success();
		}
		for (PersistentVolumeClaim claim : claims.waiting()) {
			try {
				this.lookup.selectNode(claim, nodeName);
			}
			catch (KubernetesClientException ex) {
				return Status.error("claim \"" + claim.getMetadata().getName() + "\": selecting node " + nodeName
						+ " failed: " + ex.getMessage());
			}
		}
		return Status.success();
	}

	@Override
	public void unreserve(CycleState state, PodInfo pod, String nodeName) {
		// The selected-node annotation stays: the provisioner may already act on it, and
		// the next cycle overwrites it (Kubernetes reverts it; no harm either way here,
		// since a volume is provisioned only once a node is chosen and kept).
	}

	private static String hostname(NodeInfo node) {
		if (node.node() != null && node.node().getMetadata().getLabels() != null) {
			String label = node.node().getMetadata().getLabels().get(HOSTNAME_LABEL);
			if (label != null) {
				return label;
			}
		}
		return node.name();
	}

	/** The node a volume's required affinity names by hostname, or null. */
	static String requiredNode(PersistentVolume volume) {
		if (volume.getSpec().getNodeAffinity() == null || volume.getSpec().getNodeAffinity().getRequired() == null) {
			return null;
		}
		for (NodeSelectorTerm term : volume.getSpec().getNodeAffinity().getRequired().getNodeSelectorTerms()) {
			for (NodeSelectorRequirement requirement : term.getMatchExpressions() == null
					? List.<NodeSelectorRequirement>of() : term.getMatchExpressions()) {
				if (HOSTNAME_LABEL.equals(requirement.getKey()) && "In".equals(requirement.getOperator())
						&& requirement.getValues() != null && requirement.getValues().size() == 1) {
					return requirement.getValues().get(0);
				}
			}
		}
		return null;
	}

	@Override
	public void close() {
		this.lookup.close();
	}

}
