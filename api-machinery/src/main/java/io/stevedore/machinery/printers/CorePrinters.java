package io.stevedore.machinery.printers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;

/** Printers of core/v1 kinds other than pods and events. */
final class CorePrinters {

	private CorePrinters() {
	}

	static final KindPrinter<Namespace> NAMESPACE = new KindPrinter<>(Namespace.class,
			List.of(Column.NAME, Column.string("Status", "The status of the namespace"), Column.AGE),
			(ns, now) -> Row.of(ns.getMetadata().getName(),
					ns.getStatus() == null ? "" : Cells.nonNull(ns.getStatus().getPhase()),
					Cells.age(ns.getMetadata().getCreationTimestamp(), now)));

	static final KindPrinter<Node> NODE = new KindPrinter<>(Node.class, List.of(Column.NAME,
			Column.string("Status", "The status of the node"), Column.string("Roles", "The roles of the node"),
			Column.AGE, Column.string("Version", "Kubelet Version reported by the node."),
			Column.wide("Internal-IP", "List of addresses reachable to the node."),
			Column.wide("External-IP", "List of addresses reachable to the node."),
			Column.wide("OS-Image",
					"OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
			Column.wide("Kernel-Version",
					"Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
			Column.wide("Container-Runtime",
					"ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).")),
			CorePrinters::node);

	static final KindPrinter<Service> SERVICE = new KindPrinter<>(Service.class, List.of(Column.NAME,
			Column.string("Type", "type determines how the Service is exposed."),
			Column.string("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
			Column.string("External-IP",
					"externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
			Column.string("Port(s)", "The list of ports that are exposed by this service."), Column.AGE,
			Column.wide("Selector",
					"Route service traffic to pods with label keys and values matching this selector.")),
			CorePrinters::service);

	static final KindPrinter<Endpoints> ENDPOINTS = new KindPrinter<>(Endpoints.class,
			List.of(Column.NAME, Column.string("Endpoints", "The set of all endpoints is the union of all subsets."),
					Column.AGE),
			(ep, now) -> Row.of(ep.getMetadata().getName(), endpoints(ep),
					Cells.age(ep.getMetadata().getCreationTimestamp(), now)));

	static final KindPrinter<ConfigMap> CONFIG_MAP = new KindPrinter<>(ConfigMap.class,
			List.of(Column.NAME, Column.string("Data", "Data contains the configuration data."), Column.AGE),
			(cm, now) -> Row.of(cm.getMetadata().getName(), (long) (size(cm.getData()) + size(cm.getBinaryData())),
					Cells.age(cm.getMetadata().getCreationTimestamp(), now)));

	static final KindPrinter<Secret> SECRET = new KindPrinter<>(Secret.class,
			List.of(Column.NAME, Column.string("Type", "Used to facilitate programmatic handling of secret data."),
					Column.string("Data", "Data contains the secret data."), Column.AGE),
			(s, now) -> Row.of(s.getMetadata().getName(), Cells.nonNull(s.getType()), (long) size(s.getData()),
					Cells.age(s.getMetadata().getCreationTimestamp(), now)));

	static final KindPrinter<ServiceAccount> SERVICE_ACCOUNT = new KindPrinter<>(ServiceAccount.class, List
		.of(Column.NAME, Column.string("Secrets",
				"Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
				Column.AGE),
			(sa, now) -> Row.of(sa.getMetadata().getName(),
					(long) (sa.getSecrets() == null ? 0 : sa.getSecrets().size()),
					Cells.age(sa.getMetadata().getCreationTimestamp(), now)));

	static final KindPrinter<PersistentVolume> PERSISTENT_VOLUME = new KindPrinter<>(PersistentVolume.class, List.of(
			Column.NAME,
			Column.string("Capacity", "capacity is the description of the persistent volume's resources and capacity."),
			Column.string("Access Modes", "accessModes contains all ways the volume can be mounted."),
			Column.string("Reclaim Policy",
					"persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
			Column.string("Status",
					"phase indicates if a volume is available, bound to a claim, or released by a claim."),
			Column.string("Claim",
					"claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
			Column.string("StorageClass", "StorageClass of the pv"),
			Column.string("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
			Column.string("Reason",
					"reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
			Column.AGE,
			Column.wide("VolumeMode",
					"volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.")),
			CorePrinters::persistentVolume);

	static final KindPrinter<PersistentVolumeClaim> PERSISTENT_VOLUME_CLAIM = new KindPrinter<>(
			PersistentVolumeClaim.class,
			List.of(Column.NAME,
					Column.string("Status", "phase represents the current phase of PersistentVolumeClaim."),
					Column.string("Volume",
							"volumeName is the binding reference to the PersistentVolume backing this claim."),
					Column.string("Capacity", "capacity represents the actual resources of the underlying volume."),
					Column.string("Access Modes",
							"accessModes contains the actual access modes the volume backing the PVC has."),
					Column.string("StorageClass", "StorageClass of the pvc"),
					Column.string("VolumeAttributesClass", "VolumeAttributesClass of the pvc"), Column.AGE,
					Column.wide("VolumeMode", "volumeMode defines what type of volume is required by the claim.")),
			CorePrinters::persistentVolumeClaim);

	static final KindPrinter<ResourceQuota> RESOURCE_QUOTA = new KindPrinter<>(ResourceQuota.class, List.of(Column.NAME,
			Column.AGE,
			Column.string("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
			Column.string("Limit",
					"Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.")),
			CorePrinters::resourceQuota);

	private static Row node(Node node, Instant now) {
		List<String> status = new ArrayList<>();
		List<NodeCondition> conditions = node.getStatus() != null && node.getStatus().getConditions() != null
				? node.getStatus().getConditions() : List.of();
		for (NodeCondition condition : conditions) {
			if ("Ready".equals(condition.getType())) {
				status.clear();
				status.add("True".equals(condition.getStatus()) ? "Ready" : "NotReady");
			}
		}
		if (status.isEmpty()) {
			status.add("Unknown");
		}
		if (node.getSpec() != null && Cells.bool(node.getSpec().getUnschedulable())) {
			status.add("SchedulingDisabled");
		}
		Set<String> roles = new TreeSet<>();
		Map<String, String> labels = node.getMetadata().getLabels() != null ? node.getMetadata().getLabels() : Map.of();
		labels.forEach((k, v) -> {
			if (k.startsWith("node-role.kubernetes.io/") && k.length() > "node-role.kubernetes.io/".length()) {
				roles.add(k.substring("node-role.kubernetes.io/".length()));
			}
			else if (k.equals("kubernetes.io/role") && !v.isEmpty()) {
				roles.add(v);
			}
		});
		NodeSystemInfo info = node.getStatus() != null && node.getStatus().getNodeInfo() != null
				? node.getStatus().getNodeInfo() : new NodeSystemInfo();
		return Row.of(node.getMetadata().getName(), String.join(",", status),
				roles.isEmpty() ? Cells.NONE : String.join(",", roles),
				Cells.age(node.getMetadata().getCreationTimestamp(), now), Cells.nonNull(info.getKubeletVersion()),
				nodeAddress(node, "InternalIP"), nodeAddress(node, "ExternalIP"), unknown(info.getOsImage()),
				unknown(info.getKernelVersion()), unknown(info.getContainerRuntimeVersion()));
	}

	private static String nodeAddress(Node node, String type) {
		if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
			return Cells.NONE;
		}
		return node.getStatus()
			.getAddresses()
			.stream()
			.filter(a -> type.equals(a.getType()))
			.map(NodeAddress::getAddress)
			.findFirst()
			.orElse(Cells.NONE);
	}

	private static String unknown(String value) {
		return value == null || value.isEmpty() ? "<unknown>" : value;
	}

	private static Row service(Service svc, Instant now) {
		ServiceSpec spec = svc.getSpec() != null ? svc.getSpec() : new ServiceSpec();
		String clusterIP = spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty() ? spec.getClusterIPs().get(0)
				: Cells.orNone(spec.getClusterIP());
		List<String> pieces = new ArrayList<>();
		for (ServicePort port : spec.getPorts() != null ? spec.getPorts() : List.<ServicePort>of()) {
			String protocol = port.getProtocol() != null ? port.getProtocol() : "TCP";
			pieces.add(Cells.num(port.getNodePort()) > 0 ? port.getPort() + ":" + port.getNodePort() + "/" + protocol
					: port.getPort() + "/" + protocol);
		}
		return Row.of(svc.getMetadata().getName(), spec.getType() != null ? spec.getType() : "ClusterIP", clusterIP,
				externalIP(svc), pieces.isEmpty() ? Cells.NONE : String.join(",", pieces),
				Cells.age(svc.getMetadata().getCreationTimestamp(), now), Cells.labels(spec.getSelector()));
	}

	private static String externalIP(Service svc) {
		ServiceSpec spec = svc.getSpec();
		List<String> external = spec.getExternalIPs() != null ? spec.getExternalIPs() : List.of();
		String type = spec.getType() != null ? spec.getType() : "ClusterIP";
		switch (type) {
			case "ClusterIP", "NodePort":
				return external.isEmpty() ? Cells.NONE : String.join(",", external);
			case "LoadBalancer":
				Set<String> lb = new TreeSet<>();
				if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
						&& svc.getStatus().getLoadBalancer().getIngress() != null) {
					svc.getStatus().getLoadBalancer().getIngress().forEach(i -> {
						if (i.getIp() != null && !i.getIp().isEmpty()) {
							lb.add(i.getIp());
						}
						else if (i.getHostname() != null && !i.getHostname().isEmpty()) {
							lb.add(i.getHostname());
						}
					});
				}
				List<String> all = new ArrayList<>(lb);
				all.addAll(external);
				return all.isEmpty() ? "<pending>" : String.join(",", all);
			case "ExternalName":
				return Cells.nonNull(spec.getExternalName());
			default:
				return "<unknown>";
		}
	}

	/** formatEndpoints: up to three ip:port pairs, then "+ N more...". */
	private static String endpoints(Endpoints ep) {
		if (ep.getSubsets() == null || ep.getSubsets().isEmpty()) {
			return Cells.NONE;
		}
		int max = 3;
		List<String> list = new ArrayList<>();
		boolean more = false;
		int count = 0;
		for (EndpointSubset subset : ep.getSubsets()) {
			List<EndpointAddress> addresses = subset.getAddresses() != null ? subset.getAddresses() : List.of();
			if (subset.getPorts() == null || subset.getPorts().isEmpty()) {
				// headless services may have no ports
				count += addresses.size();
				for (EndpointAddress address : addresses) {
					if (list.size() == max) {
						more = true;
						break;
					}
					list.add(address.getIp());
				}
				continue;
			}
			for (EndpointPort port : subset.getPorts()) {
				count += addresses.size();
				for (EndpointAddress address : addresses) {
					if (list.size() == max) {
						more = true;
						break;
					}
					String ip = address.getIp();
					list.add((ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port.getPort());
				}
			}
		}
		return Cells.withMore(list, more, count, max);
	}

	private static Row persistentVolume(PersistentVolume pv, Instant now) {
		var spec = pv.getSpec() != null ? pv.getSpec() : new io.fabric8.kubernetes.api.model.PersistentVolumeSpec();
		String claim = spec.getClaimRef() == null ? ""
				: Cells.nonNull(spec.getClaimRef().getNamespace()) + "/" + Cells.nonNull(spec.getClaimRef().getName());
		String phase = pv.getStatus() != null ? Cells.nonNull(pv.getStatus().getPhase()) : "";
		if (pv.getMetadata().getDeletionTimestamp() != null) {
			phase = "Terminating";
		}
		String storageClass = annotation(pv.getMetadata().getAnnotations(), "volume.beta.kubernetes.io/storage-class");
		if (storageClass == null) {
			storageClass = Cells.nonNull(spec.getStorageClassName());
		}
		return Row.of(pv.getMetadata().getName(), quantity(spec.getCapacity(), "storage"),
				accessModes(spec.getAccessModes()), Cells.nonNull(spec.getPersistentVolumeReclaimPolicy()), phase,
				claim, storageClass, unset(spec.getVolumeAttributesClassName()),
				pv.getStatus() != null ? Cells.nonNull(pv.getStatus().getReason()) : "",
				Cells.age(pv.getMetadata().getCreationTimestamp(), now), unset(spec.getVolumeMode()));
	}

	private static Row persistentVolumeClaim(PersistentVolumeClaim pvc, Instant now) {
		var spec = pvc.getSpec() != null ? pvc.getSpec()
				: new io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec();
		var status = pvc.getStatus() != null ? pvc.getStatus()
				: new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus();
		String phase = pvc.getMetadata().getDeletionTimestamp() != null ? "Terminating"
				: Cells.nonNull(status.getPhase());
		String capacity = "";
		String accessModes = "";
		if (spec.getVolumeName() != null && !spec.getVolumeName().isEmpty()) {
			accessModes = accessModes(status.getAccessModes());
			capacity = quantity(status.getCapacity(), "storage");
		}
		String storageClass = annotation(pvc.getMetadata().getAnnotations(), "volume.beta.kubernetes.io/storage-class");
		if (storageClass == null) {
			storageClass = Cells.nonNull(spec.getStorageClassName());
		}
		return Row.of(pvc.getMetadata().getName(), phase, Cells.nonNull(spec.getVolumeName()), capacity, accessModes,
				storageClass, unset(spec.getVolumeAttributesClassName()),
				Cells.age(pvc.getMetadata().getCreationTimestamp(), now), unset(spec.getVolumeMode()));
	}

	private static Row resourceQuota(ResourceQuota quota, Instant now) {
		Map<String, Quantity> hard = quota.getStatus() != null && quota.getStatus().getHard() != null
				? quota.getStatus().getHard() : Map.of();
		Map<String, Quantity> used = quota.getStatus() != null && quota.getStatus().getUsed() != null
				? quota.getStatus().getUsed() : Map.of();
		List<String> requests = new ArrayList<>();
		List<String> limits = new ArrayList<>();
		for (String resource : new TreeSet<>(hard.keySet())) {
			String usedValue = used.containsKey(resource) ? used.get(resource).toString() : "0";
			String entry = resource + ": " + usedValue + "/" + hard.get(resource);
			(resource.startsWith("limits.") ? limits : requests).add(entry);
		}
		return Row.of(quota.getMetadata().getName(), Cells.age(quota.getMetadata().getCreationTimestamp(), now),
				String.join(", ", requests), String.join(", ", limits));
	}

	/** GetAccessModesAsString: each mode once, in Kubernetes' fixed order. */
	private static String accessModes(List<String> modes) {
		if (modes == null) {
			return "";
		}
		Set<String> result = new LinkedHashSet<>();
		for (String[] mode : new String[][] { { "ReadWriteOnce", "RWO" }, { "ReadOnlyMany", "ROX" },
				{ "ReadWriteMany", "RWX" }, { "ReadWriteOncePod", "RWOP" } }) {
			if (modes.contains(mode[0])) {
				result.add(mode[1]);
			}
		}
		return String.join(",", result);
	}

	private static String quantity(Map<String, Quantity> resources, String name) {
		return resources != null && resources.get(name) != null ? resources.get(name).toString() : "0";
	}

	private static String annotation(Map<String, String> annotations, String key) {
		return annotations == null ? null : annotations.get(key);
	}

	private static String unset(String value) {
		return value == null ? "<unset>" : value;
	}

	private static int size(Map<?, ?> map) {
		return map == null ? 0 : map.size();
	}

}
