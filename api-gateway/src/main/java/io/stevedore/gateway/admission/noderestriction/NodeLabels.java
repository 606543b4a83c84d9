package io.stevedore.gateway.admission.noderestriction;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which labels a node may set on its own Node, as Kubernetes v1.32 rules them
 * (NodeRestriction's getForbiddenLabels with k8s.io/kubelet's well_known_labels): none
 * under {@code node-restriction.kubernetes.io} (that domain is for administrators to
 * steer workloads by, so a node must not claim it), and under {@code kubernetes.io} or
 * {@code k8s.io} only the labels a kubelet sets itself: hostname, os, arch, instance
 * type, zone and region, and anything under {@code kubelet.kubernetes.io} or
 * {@code node.kubernetes.io}. A node could otherwise label itself
 * {@code node-role.kubernetes.io/control-plane} and draw privileged pods to it. Other
 * labels ({@code disk=ssd}, {@code example.com/pool}) are the node's to set.
 */
final class NodeLabels {

	private static final String RESTRICTED_DOMAIN = "node-restriction.kubernetes.io";

	/** k8s.io/kubelet's kubeletLabels. */
	private static final Set<String> KUBELET_LABELS = Set.of("kubernetes.io/hostname", "kubernetes.io/os",
			"kubernetes.io/arch", "beta.kubernetes.io/os", "beta.kubernetes.io/arch",
			"beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type", "topology.kubernetes.io/zone",
			"topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/zone",
			"failure-domain.beta.kubernetes.io/region");

	/** k8s.io/kubelet's kubeletLabelNamespaces, subdomains included. */
	private static final Set<String> KUBELET_DOMAINS = Set.of("kubelet.kubernetes.io", "node.kubernetes.io");

	private NodeLabels() {
	}

	/**
	 * The keys added, changed or removed from {@code before} to {@code after} that a node
	 * may not touch, sorted. A forbidden label left as it was is not counted: a node may
	 * update a Node an administrator labelled.
	 * @param before the stored labels; empty on create, so every label counts
	 */
	static Set<String> forbiddenChanges(Map<String, String> before, Map<String, String> after) {
		Set<String> keys = new TreeSet<>(before.keySet());
		keys.addAll(after.keySet());
		Set<String> forbidden = new TreeSet<>();
		for (String key : keys) {
			if (!Objects.equals(before.get(key), after.get(key)) && isForbidden(key)) {
				forbidden.add(key);
			}
		}
		return forbidden;
	}

	static boolean isForbidden(String key) {
		String domain = domain(key);
		return inDomain(domain, RESTRICTED_DOMAIN) || isKubernetesDomain(domain) && !isKubeletLabel(key, domain);
	}

	private static boolean isKubernetesDomain(String domain) {
		return inDomain(domain, "kubernetes.io") || inDomain(domain, "k8s.io");
	}

	private static boolean isKubeletLabel(String key, String domain) {
		return KUBELET_LABELS.contains(key)
				|| KUBELET_DOMAINS.stream().anyMatch((allowed) -> inDomain(domain, allowed));
	}

	/** The domain itself or one of its subdomains. */
	private static boolean inDomain(String domain, String parent) {
		return domain.equals(parent) || domain.endsWith("." + parent);
	}

	/** The prefix before the slash; empty for an unprefixed key. */
	private static String domain(String key) {
		int slash = key.indexOf('/');
		return slash < 0 ? "" : key.substring(0, slash);
	}

}
