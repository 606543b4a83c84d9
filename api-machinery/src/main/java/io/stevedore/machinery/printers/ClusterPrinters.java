package io.stevedore.machinery.printers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

/**
 * Printers of networking, RBAC, coordination, discovery, scheduling and storage kinds.
 */
final class ClusterPrinters {

	private ClusterPrinters() {
	}

	static final KindPrinter<Ingress> INGRESS = new KindPrinter<>(Ingress.class,
			List.of(Column.NAME,
					Column.string("Class",
							"The name of the IngressClass resource that should be used for additional configuration"),
					Column.string("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
					Column.string("Address", "Address is a list containing ingress points for the load-balancer"),
					Column.string("Ports", "Ports of TLS configurations that open"), Column.AGE),
			ClusterPrinters::ingress);

	static final KindPrinter<IngressClass> INGRESS_CLASS = new KindPrinter<>(IngressClass.class,
			List.of(Column.NAME, Column.string("Controller", "Controller that is responsible for handling this class"),
					Column.string("Parameters", "A reference to a resource with additional parameters"), Column.AGE),
			ClusterPrinters::ingressClass);

	static final KindPrinter<NetworkPolicy> NETWORK_POLICY = new KindPrinter<>(NetworkPolicy.class,
			List.of(Column.NAME,
					Column.string("Pod-Selector",
							"podSelector selects the pods to which this NetworkPolicy object applies."),
					Column.AGE),
			(np, now) -> Row.of(np.getMetadata().getName(),
					Cells.labelSelector(np.getSpec() != null ? np.getSpec().getPodSelector() : null),
					Cells.age(np.getMetadata().getCreationTimestamp(), now)));

	static final KindPrinter<RoleBinding> ROLE_BINDING = new KindPrinter<>(RoleBinding.class,
			bindingColumns("roleBinding"), (rb, now) -> binding(rb.getMetadata().getName(),
					rb.getMetadata().getCreationTimestamp(), rb.getRoleRef(), rb.getSubjects(), now));

	static final KindPrinter<ClusterRoleBinding> CLUSTER_ROLE_BINDING = new KindPrinter<>(ClusterRoleBinding.class,
			bindingColumns("clusterRoleBinding"), (rb, now) -> binding(rb.getMetadata().getName(),
					rb.getMetadata().getCreationTimestamp(), rb.getRoleRef(), rb.getSubjects(), now));

	static final KindPrinter<Lease> LEASE = new KindPrinter<>(Lease.class,
			List.of(Column.NAME,
					Column.string("Holder", "holderIdentity contains the identity of the holder of a current lease."),
					Column.AGE),
			(lease, now) -> Row.of(lease.getMetadata().getName(),
					lease.getSpec() != null ? Cells.nonNull(lease.getSpec().getHolderIdentity()) : "",
					Cells.age(lease.getMetadata().getCreationTimestamp(), now)));

	static final KindPrinter<EndpointSlice> ENDPOINT_SLICE = new KindPrinter<>(EndpointSlice.class, List.of(Column.NAME,
			Column.string("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
			Column.string("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
			Column.string("Endpoints", "endpoints is a list of unique endpoints in this slice."), Column.AGE),
			ClusterPrinters::endpointSlice);

	static final KindPrinter<PriorityClass> PRIORITY_CLASS = new KindPrinter<>(PriorityClass.class, List.of(Column.NAME,
			Column.integer("Value", "value represents the integer value of this priority class."),
			Column.bool("Global-Default",
					"globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
			Column.AGE,
			Column.string("PreemptionPolicy",
					"preemptionPolicy is the Policy for preempting pods with lower priority.")),
			(pc, now) -> Row.of(pc.getMetadata().getName(), (long) Cells.num(pc.getValue()),
					Cells.bool(pc.getGlobalDefault()), Cells.age(pc.getMetadata().getCreationTimestamp(), now),
					Cells.nonNull(pc.getPreemptionPolicy())));

	static final KindPrinter<StorageClass> STORAGE_CLASS = new KindPrinter<>(StorageClass.class, List.of(Column.NAME,
			Column.string("Provisioner", "provisioner indicates the type of the provisioner."),
			Column.string("ReclaimPolicy",
					"reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
			Column.string("VolumeBindingMode",
					"volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
			Column.string("AllowVolumeExpansion",
					"allowVolumeExpansion shows whether the storage class allow volume expand."),
			Column.AGE), ClusterPrinters::storageClass);

	private static List<Column> bindingColumns(String what) {
		return List.of(Column.NAME, Column.string("Role",
				"RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
				Column.AGE, Column.wide("Users", "Users in the " + what),
				Column.wide("Groups", "Groups in the " + what),
				Column.wide("ServiceAccounts", "ServiceAccounts in the " + what));
	}

	private static Row binding(String name, String created, RoleRef roleRef, List<Subject> subjects, Instant now) {
		List<String> users = new ArrayList<>();
		List<String> groups = new ArrayList<>();
		List<String> serviceAccounts = new ArrayList<>();
		for (Subject subject : subjects != null ? subjects : List.<Subject>of()) {
			switch (Cells.nonNull(subject.getKind())) {
				case "User" -> users.add(subject.getName());
				case "Group" -> groups.add(subject.getName());
				case "ServiceAccount" ->
					serviceAccounts.add(Cells.nonNull(subject.getNamespace()) + "/" + subject.getName());
				default -> {
				}
			}
		}
		String role = roleRef == null ? "/" : Cells.nonNull(roleRef.getKind()) + "/" + Cells.nonNull(roleRef.getName());
		return Row.of(name, role, Cells.age(created, now), String.join(", ", users), String.join(", ", groups),
				String.join(", ", serviceAccounts));
	}

	private static Row ingress(Ingress ing, Instant now) {
		var spec = ing.getSpec() != null ? ing.getSpec()
				: new io.fabric8.kubernetes.api.model.networking.v1.IngressSpec();
		List<String> hosts = new ArrayList<>();
		int max = 3;
		boolean more = false;
		List<IngressRule> rules = spec.getRules() != null ? spec.getRules() : List.of();
		for (IngressRule rule : rules) {
			if (hosts.size() == max) {
				more = true;
			}
			if (!more && rule.getHost() != null && !rule.getHost().isEmpty()) {
				hosts.add(rule.getHost());
			}
		}
		String hostCell = hosts.isEmpty() ? "*" : Cells.withMore(hosts, more, rules.size(), max);
		Set<String> addresses = new TreeSet<>();
		if (ing.getStatus() != null && ing.getStatus().getLoadBalancer() != null
				&& ing.getStatus().getLoadBalancer().getIngress() != null) {
			ing.getStatus().getLoadBalancer().getIngress().forEach(i -> {
				if (i.getIp() != null && !i.getIp().isEmpty()) {
					addresses.add(i.getIp());
				}
				else if (i.getHostname() != null && !i.getHostname().isEmpty()) {
					addresses.add(i.getHostname());
				}
			});
		}
		String ports = spec.getTls() != null && !spec.getTls().isEmpty() ? "80, 443" : "80";
		return Row.of(ing.getMetadata().getName(), Cells.orNone(spec.getIngressClassName()), hostCell,
				String.join(",", addresses), ports, Cells.age(ing.getMetadata().getCreationTimestamp(), now));
	}

	private static Row ingressClass(IngressClass ic, Instant now) {
		String parameters = Cells.NONE;
		String controller = "";
		if (ic.getSpec() != null) {
			controller = Cells.nonNull(ic.getSpec().getController());
			var p = ic.getSpec().getParameters();
			if (p != null) {
				parameters = p.getKind() + (p.getApiGroup() != null ? "." + p.getApiGroup() : "") + "/" + p.getName();
			}
		}
		return Row.of(ic.getMetadata().getName(), controller, parameters,
				Cells.age(ic.getMetadata().getCreationTimestamp(), now));
	}

	private static Row endpointSlice(EndpointSlice slice, Instant now) {
		int max = 3;
		List<String> ports = new ArrayList<>();
		int portCount = 0;
		for (EndpointPort port : slice.getPorts() != null ? slice.getPorts() : List.<EndpointPort>of()) {
			if (ports.size() < max) {
				ports.add(port.getPort() != null ? String.valueOf(port.getPort())
						: port.getName() != null ? port.getName() : "*");
			}
			portCount++;
		}
		List<String> endpoints = new ArrayList<>();
		int endpointCount = 0;
		for (Endpoint endpoint : slice.getEndpoints() != null ? slice.getEndpoints() : List.<Endpoint>of()) {
			for (String address : endpoint.getAddresses() != null ? endpoint.getAddresses() : List.<String>of()) {
				if (endpoints.size() < max) {
					endpoints.add(address);
				}
				endpointCount++;
			}
		}
		return Row.of(slice.getMetadata().getName(), Cells.nonNull(slice.getAddressType()),
				listWithMore(ports, portCount, max), listWithMore(endpoints, endpointCount, max),
				Cells.age(slice.getMetadata().getCreationTimestamp(), now));
	}

	private static String listWithMore(List<String> shown, int count, int max) {
		String cell = Cells.withMore(shown, count > max, count, max);
		return cell.isEmpty() ? "<unset>" : cell;
	}

	private static Row storageClass(StorageClass sc, Instant now) {
		Map<String, String> annotations = sc.getMetadata().getAnnotations() != null ? sc.getMetadata().getAnnotations()
				: Map.of();
		boolean isDefault = "true".equals(annotations.get("storageclass.kubernetes.io/is-default-class"))
				|| "true".equals(annotations.get("storageclass.beta.kubernetes.io/is-default-class"));
		String name = sc.getMetadata().getName() + (isDefault ? " (default)" : "");
		return Row.of(name, Cells.nonNull(sc.getProvisioner()),
				sc.getReclaimPolicy() != null ? sc.getReclaimPolicy() : "Delete",
				sc.getVolumeBindingMode() != null ? sc.getVolumeBindingMode() : "Immediate",
				Cells.bool(sc.getAllowVolumeExpansion()), Cells.age(sc.getMetadata().getCreationTimestamp(), now));
	}

}
