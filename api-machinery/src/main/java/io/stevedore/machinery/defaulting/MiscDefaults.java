package io.stevedore.machinery.defaulting;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

/** The smaller kinds' defaults, one method per kind. */
public final class MiscDefaults {

	static final String RBAC_GROUP = "rbac.authorization.k8s.io";

	private MiscDefaults() {
	}

	/**
	 * Type Opaque, and {@code stringData} merged into {@code data} (base64) and dropped,
	 * as the apiserver's conversion does: stringData is write-only.
	 */
	public static void secret(Secret s) {
		if (s.getType() == null || s.getType().isEmpty()) {
			s.setType("Opaque");
		}
		if (s.getStringData() != null && !s.getStringData().isEmpty()) {
			Map<String, String> data = s.getData() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(s.getData());
			s.getStringData()
				.forEach((k, v) -> data.put(k,
						Base64.getEncoder().encodeToString((v == null ? "" : v).getBytes(StandardCharsets.UTF_8))));
			s.setData(data);
		}
		s.setStringData(null);
	}

	/**
	 * Every named namespace carries {@code kubernetes.io/metadata.name} and starts
	 * Active.
	 */
	public static void namespace(Namespace ns) {
		if (ns.getMetadata() != null && ns.getMetadata().getName() != null && !ns.getMetadata().getName().isEmpty()) {
			Map<String, String> labels = ns.getMetadata().getLabels() == null ? new LinkedHashMap<>()
					: new LinkedHashMap<>(ns.getMetadata().getLabels());
			labels.put("kubernetes.io/metadata.name", ns.getMetadata().getName());
			ns.getMetadata().setLabels(labels);
		}
		if (ns.getStatus() == null) {
			ns.setStatus(new NamespaceStatus());
		}
		if (ns.getStatus().getPhase() == null || ns.getStatus().getPhase().isEmpty()) {
			ns.getStatus().setPhase("Active");
		}
	}

	public static void node(Node node) {
		if (node.getStatus() != null && node.getStatus().getAllocatable() == null
				&& node.getStatus().getCapacity() != null) {
			node.getStatus().setAllocatable(new LinkedHashMap<>(node.getStatus().getCapacity()));
		}
		if (node.getStatus() != null) {
			node.getStatus().setCapacity(PodDefaults.roundUp(node.getStatus().getCapacity()));
			node.getStatus().setAllocatable(PodDefaults.roundUp(node.getStatus().getAllocatable()));
		}
	}

	public static void persistentVolume(PersistentVolume pv) {
		if (pv.getSpec() != null) {
			if (pv.getSpec().getPersistentVolumeReclaimPolicy() == null
					|| pv.getSpec().getPersistentVolumeReclaimPolicy().isEmpty()) {
				pv.getSpec().setPersistentVolumeReclaimPolicy("Retain");
			}
			if (pv.getSpec().getVolumeMode() == null) {
				pv.getSpec().setVolumeMode("Filesystem");
			}
		}
		if (pv.getStatus() == null) {
			pv.setStatus(new PersistentVolumeStatus());
		}
		if (pv.getStatus().getPhase() == null || pv.getStatus().getPhase().isEmpty()) {
			pv.getStatus().setPhase("Pending");
		}
	}

	public static void persistentVolumeClaim(PersistentVolumeClaim pvc) {
		if (pvc.getSpec() != null && pvc.getSpec().getVolumeMode() == null) {
			pvc.getSpec().setVolumeMode("Filesystem");
		}
		if (pvc.getStatus() == null) {
			pvc.setStatus(new PersistentVolumeClaimStatus());
		}
		if (pvc.getStatus().getPhase() == null || pvc.getStatus().getPhase().isEmpty()) {
			pvc.getStatus().setPhase("Pending");
		}
	}

	public static void endpoints(Endpoints ep) {
		for (EndpointSubset ss : PodDefaults.list(ep.getSubsets())) {
			for (EndpointPort p : PodDefaults.list(ss.getPorts())) {
				if (p.getProtocol() == null || p.getProtocol().isEmpty()) {
					p.setProtocol("TCP");
				}
			}
		}
	}

	public static void endpointSlice(EndpointSlice slice) {
		for (var p : PodDefaults.list(slice.getPorts())) {
			if (p.getName() == null) {
				p.setName("");
			}
			if (p.getProtocol() == null) {
				p.setProtocol("TCP");
			}
		}
	}

	/**
	 * Container limits: a max without default becomes the default limit, a default limit
	 * becomes the default request, else a min does.
	 */
	public static void limitRange(LimitRange lr) {
		if (lr.getSpec() == null) {
			return;
		}
		for (LimitRangeItem item : PodDefaults.list(lr.getSpec().getLimits())) {
			item.setMax(PodDefaults.roundUp(item.getMax()));
			item.setMin(PodDefaults.roundUp(item.getMin()));
			item.setDefault(PodDefaults.roundUp(item.getDefault()));
			item.setDefaultRequest(PodDefaults.roundUp(item.getDefaultRequest()));
			if (!"Container".equals(item.getType())) {
				continue;
			}
			Map<String, Quantity> def = item.getDefault() == null ? new LinkedHashMap<>()
					: new LinkedHashMap<>(item.getDefault());
			Map<String, Quantity> defReq = item.getDefaultRequest() == null ? new LinkedHashMap<>()
					: new LinkedHashMap<>(item.getDefaultRequest());
			if (item.getMax() != null) {
				item.getMax().forEach(def::putIfAbsent);
			}
			def.forEach(defReq::putIfAbsent);
			if (item.getMin() != null) {
				item.getMin().forEach(defReq::putIfAbsent);
			}
			item.setDefault(def);
			item.setDefaultRequest(defReq);
		}
	}

	public static void resourceQuota(ResourceQuota quota) {
		if (quota.getSpec() != null) {
			quota.getSpec().setHard(PodDefaults.roundUp(quota.getSpec().getHard()));
		}
	}

	/** Ingress is always a policy type; Egress only when egress rules are given. */
	public static void networkPolicy(NetworkPolicy np) {
		if (np.getSpec() == null) {
			return;
		}
		for (NetworkPolicyIngressRule rule : PodDefaults.list(np.getSpec().getIngress())) {
			ports(rule.getPorts());
		}
		for (NetworkPolicyEgressRule rule : PodDefaults.list(np.getSpec().getEgress())) {
			ports(rule.getPorts());
		}
		if (np.getSpec().getPolicyTypes() == null || np.getSpec().getPolicyTypes().isEmpty()) {
			List<String> types = new ArrayList<>(List.of("Ingress"));
			if (!PodDefaults.list(np.getSpec().getEgress()).isEmpty()) {
				types.add("Egress");
			}
			np.getSpec().setPolicyTypes(types);
		}
	}

	private static void ports(List<NetworkPolicyPort> ports) {
		for (NetworkPolicyPort p : PodDefaults.list(ports)) {
			if (p.getProtocol() == null || p.getProtocol().isEmpty()) {
				p.setProtocol("TCP");
			}
		}
	}

	public static void roleBinding(RoleBinding rb) {
		roleRef(rb.getRoleRef());
		subjects(rb.getSubjects());
	}

	public static void clusterRoleBinding(ClusterRoleBinding crb) {
		roleRef(crb.getRoleRef());
		subjects(crb.getSubjects());
	}

	private static void roleRef(RoleRef ref) {
		if (ref != null && (ref.getApiGroup() == null || ref.getApiGroup().isEmpty())) {
			ref.setApiGroup(RBAC_GROUP);
		}
	}

	private static void subjects(List<Subject> subjects) {
		for (Subject s : PodDefaults.list(subjects)) {
			if ((s.getApiGroup() == null || s.getApiGroup().isEmpty())
					&& ("User".equals(s.getKind()) || "Group".equals(s.getKind()))) {
				s.setApiGroup(RBAC_GROUP);
			}
		}
	}

	public static void priorityClass(PriorityClass pc) {
		if (pc.getPreemptionPolicy() == null || pc.getPreemptionPolicy().isEmpty()) {
			pc.setPreemptionPolicy("PreemptLowerPriority");
		}
	}

	public static void storageClass(StorageClass sc) {
		if (sc.getReclaimPolicy() == null || sc.getReclaimPolicy().isEmpty()) {
			sc.setReclaimPolicy("Delete");
		}
		if (sc.getVolumeBindingMode() == null || sc.getVolumeBindingMode().isEmpty()) {
			sc.setVolumeBindingMode("Immediate");
		}
	}

}
