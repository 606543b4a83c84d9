package io.stevedore.proxy.networkpolicy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.stevedore.proxy.service.iptables.ChainNames;
import io.stevedore.proxy.service.iptables.RuleSet;
import io.stevedore.proxy.service.model.Ipv4;

/**
 * Translates NetworkPolicies (networking.k8s.io/v1) into filter-table chains, evaluated
 * in the FORWARD path (pod to pod, outside to pod; after the Service plane's DNAT, so a
 * policy sees the real destination pod, as CNI plugins do) and the INPUT path (pod to
 * this host, for egress):
 * <ul>
 * <li>{@code FORWARD}: replies of allowed connections return at once (conntrack
 * ESTABLISHED,RELATED); then the egress chain of a source pod that a policy selects for
 * Egress, then the ingress chain of a destination pod selected for Ingress; traffic of
 * pods no policy selects passes untouched (RETURN to the host's rules);</li>
 * <li>{@code I-<pod>} / {@code E-<pod>}: one line per allowed (peer, port) of every
 * policy selecting the pod for that direction, each setting the "allowed" mark bit; at
 * the end, marked traffic returns, the rest is dropped (default deny of a selected
 * pod);</li>
 * <li>{@code X-<hash>}: an ipBlock with {@code except}: the excepted ranges return
 * unmarked, the rest is marked.</li>
 * </ul>
 * Peers: {@code podSelector} (the policy's namespace), {@code namespaceSelector} (every
 * pod of those namespaces), both (those pods of those namespaces), {@code ipBlock}.
 * Ports: number, {@code endPort} ranges, named ports (resolved on the selected pod for
 * ingress, on each destination pod for egress), protocols TCP/UDP/SCTP; no ports = every
 * port, no peers = every peer. {@code policyTypes} default as Kubernetes: Ingress, plus
 * Egress when the policy has egress rules. Pods without an IPv4 pod IP, host-network pods
 * and finished pods are neither selected nor peers. What cannot be used of a policy is a
 * problem (an Event); the policy still selects its pods, so it errs on denying.
 */
public final class PolicyRenderer {

	private static final Pattern PREFIX = Pattern.compile("[A-Z][A-Z0-9]{0,9}");

	/** Kubernetes sets this label on every namespace; namespaceSelectors rely on it. */
	static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

	private final String prefix;

	private final String markBit;

	private final String markSet;

	public PolicyRenderer(String prefix, int markBit) {
		if (prefix == null || !PREFIX.matcher(prefix).matches()) {
			throw new IllegalArgumentException(
					"stevedore.proxy.network-policy.chain-prefix must be 1-10 upper-case letters or digits, starting with a letter, got \""
							+ prefix + "\"");
		}
		if (markBit < 0 || markBit > 31) {
			throw new IllegalArgumentException("stevedore.proxy.network-policy.mark-bit must be 0..31, got " + markBit);
		}
		this.prefix = prefix;
		long bit = 1L << markBit;
		this.markBit = String.format(Locale.ROOT, "0x%x/0x%x", bit, bit);
		this.markSet = String.format(Locale.ROOT, "0x%x", bit);
	}

	public String prefix() {
		return this.prefix;
	}

	public String forward() {
		return this.prefix + "-FORWARD";
	}

	public String input() {
		return this.prefix + "-INPUT";
	}

	/** Whether a chain belongs to this enforcer. */
	public boolean owns(String chain) {
		return chain.startsWith(this.prefix + "-");
	}

	/**
	 * What the policies make of the pods.
	 *
	 * @param rules the filter chains
	 * @param problems per policy ({@code namespace/name}): what was left out and why
	 * @param enforced how many pods a policy selects
	 */
	public record Result(RuleSet rules, Map<String, String> problems, int enforced) {
	}

	public Result render(Collection<NetworkPolicy> policies, Collection<Pod> pods, Collection<Namespace> namespaces) {
		Map<String, Map<String, String>> nsLabels = new HashMap<>();
		for (Namespace ns : namespaces) {
			nsLabels.put(ns.getMetadata().getName(),
					withNameLabel(ns.getMetadata().getName(), ns.getMetadata().getLabels()));
		}
		List<PodInfo> live = pods.stream()
			.map(PodInfo::of)
			.filter(java.util.Objects::nonNull)
			.sorted(Comparator.comparing(PodInfo::key))
			.toList();
		Map<String, String> problems = new TreeMap<>();
		Map<PodInfo, List<String>> ingress = new LinkedHashMap<>();
		Map<PodInfo, List<String>> egress = new LinkedHashMap<>();
		Map<String, String> xChains = new TreeMap<>();
		List<NetworkPolicy> sorted = policies.stream().sorted(Comparator.comparing(PolicyRenderer::key)).toList();
		for (NetworkPolicy policy : sorted) {
			new PolicyTranslation(policy, live, nsLabels, problems, xChains).addTo(ingress, egress);
		}

		Map<String, String> filter = new LinkedHashMap<>();
		StringBuilder forward = new StringBuilder();
		StringBuilder input = new StringBuilder();
		int[] rules = { 0 };
		String established = "-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n";
		forward.append("-A ").append(forward()).append(' ').append(established);
		input.append("-A ").append(input()).append(' ').append(established);
		rules[0] += 2;
		filter.put(forward(), "");
		filter.put(input(), "");
		int enforced = 0;
		for (PodInfo pod : live) {
			List<String> e = egress.get(pod);
			List<String> i = ingress.get(pod);
			if (e != null) {
				String chain = this.prefix + "-E-" + ChainNames.hash(pod.key());
				filter.put(chain, podChain(chain, pod, e, "egress", rules));
				forward.append(String.format(Locale.ROOT, "-A %s -s %s/32 -j %s%n", forward(), pod.ip(), chain));
				input.append(String.format(Locale.ROOT, "-A %s -s %s/32 -j %s%n", input(), pod.ip(), chain));
				rules[0] += 2;
			}
			if (i != null) {
				String chain = this.prefix + "-I-" + ChainNames.hash(pod.key());
				filter.put(chain, podChain(chain, pod, i, "ingress", rules));
				forward.append(String.format(Locale.ROOT, "-A %s -d %s/32 -j %s%n", forward(), pod.ip(), chain));
				rules[0]++;
			}
			if (e != null || i != null) {
				enforced++;
			}
		}
		// The mark means "allowed" only inside these chains: never leave it on a packet.
		forward.append(String.format(Locale.ROOT, "-A %s -j MARK --set-xmark 0x0/%s%n", forward(), mask()));
		input.append(String.format(Locale.ROOT, "-A %s -j MARK --set-xmark 0x0/%s%n", input(), mask()));
		rules[0] += 2;
		filter.put(forward(), forward.toString());
		filter.put(input(), input.toString());
		for (Map.Entry<String, String> x : xChains.entrySet()) {
			filter.put(x.getKey(), x.getValue());
			rules[0] += (int) x.getValue().lines().count();
		}
		return new Result(new RuleSet(Map.of(), filter, rules[0]), problems, enforced);
	}

	private String mask() {
		return this.markBit.substring(this.markBit.indexOf('/') + 1);
	}

	/** The chain of one pod and direction: its allow lines, then mark check and drop. */
	private String podChain(String chain, PodInfo pod, List<String> allows, String direction, int[] rules) {
		StringBuilder body = new StringBuilder();
		body.append(String.format(Locale.ROOT, "-A %s -j MARK --set-xmark 0x0/%s%n", chain, mask()));
		for (String allow : allows) {
			body.append("-A ").append(chain).append(' ').append(allow).append('\n');
		}
		body.append(String.format(Locale.ROOT, "-A %s -m mark --mark %s -j RETURN%n", chain, this.markBit));
		body.append(String.format(Locale.ROOT,
				"-A %s -m comment --comment \"%s: no NetworkPolicy allows this %s\" -j DROP%n", chain, pod.key(),
				direction));
		rules[0] += allows.size() + 3;
		return body.toString();
	}

	static String key(NetworkPolicy policy) {
		return policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
	}

	private static Map<String, String> withNameLabel(String name, Map<String, String> labels) {
		Map<String, String> out = new HashMap<>((labels != null) ? labels : Map.of());
		out.putIfAbsent(NAMESPACE_NAME_LABEL, name);
		return out;
	}

	/** A pod as policies see it. */
	record PodInfo(String namespace, String name, String ip, Map<String, String> labels,
			Map<String, List<ContainerPort>> namedPorts) {

		String key() {
			return this.namespace + "/" + this.name;
		}

		static PodInfo of(Pod pod) {
			var status = pod.getStatus();
			var spec = pod.getSpec();
			if (status == null || !Ipv4.isValid(status.getPodIP()) || "Succeeded".equals(status.getPhase())
					|| "Failed".equals(status.getPhase())
					|| (spec != null && Boolean.TRUE.equals(spec.getHostNetwork()))) {
				return null;
			}
			Map<String, List<ContainerPort>> named = new HashMap<>();
			if (spec != null && spec.getContainers() != null) {
				for (Container container : spec.getContainers()) {
					if (container.getPorts() != null) {
						for (ContainerPort port : container.getPorts()) {
							if (port.getName() != null && port.getContainerPort() != null) {
								named.computeIfAbsent(port.getName(), n -> new ArrayList<>()).add(port);
							}
						}
					}
				}
			}
			var meta = pod.getMetadata();
			return new PodInfo(meta.getNamespace(), meta.getName(), status.getPodIP(),
					(meta.getLabels() != null) ? Map.copyOf(meta.getLabels()) : Map.of(), named);
		}

		/** The port numbers a named port means on this pod for a protocol. */
		List<Integer> resolve(String name, String protocol) {
			return this.namedPorts.getOrDefault(name, List.of())
				.stream()
				.filter(p -> protocol.equals((p.getProtocol() == null) ? "TCP" : p.getProtocol()))
				.map(ContainerPort::getContainerPort)
				.distinct()
				.toList();
		}

	}

	/** One policy's contribution to its selected pods' chains. */
	private final class PolicyTranslation {

		private final NetworkPolicy policy;

		private final String key;

		private final List<PodInfo> live;

		private final Map<String, Map<String, String>> nsLabels;

		private final Map<String, String> problems;

		private final Map<String, String> xChains;

		PolicyTranslation(NetworkPolicy policy, List<PodInfo> live, Map<String, Map<String, String>> nsLabels,
				Map<String, String> problems, Map<String, String> xChains) {
			this.policy = policy;
			this.key = key(policy);
			this.live = live;
			this.nsLabels = nsLabels;
			this.problems = problems;
			this.xChains = xChains;
		}

		void addTo(Map<PodInfo, List<String>> ingress, Map<PodInfo, List<String>> egress) {
			var spec = this.policy.getSpec();
			if (spec == null) {
				return;
			}
			String namespace = this.policy.getMetadata().getNamespace();
			Predicate<Map<String, String>> selector;
			try {
				selector = LabelMatcher.of(spec.getPodSelector());
			}
			catch (IllegalArgumentException ex) {
				problem("spec.podSelector: " + ex.getMessage() + "; the policy selects no pod");
				return;
			}
			List<PodInfo> selected = this.live.stream()
				.filter(p -> p.namespace().equals(namespace) && selector.test(p.labels()))
				.toList();
			List<String> types = policyTypes(spec);
			if (types.contains("Ingress")) {
				var rules = (spec.getIngress() != null) ? spec.getIngress()
						: List.<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule>of();
				for (PodInfo pod : selected) {
					List<String> lines = ingress.computeIfAbsent(pod, p -> new ArrayList<>());
					for (int r = 0; r < rules.size(); r++) {
						lines.addAll(allows(pod, rules.get(r).getFrom(), rules.get(r).getPorts(), true,
								"spec.ingress[" + r + "]"));
					}
				}
			}
			if (types.contains("Egress")) {
				var rules = (spec.getEgress() != null) ? spec.getEgress()
						: List.<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule>of();
				for (PodInfo pod : selected) {
					List<String> lines = egress.computeIfAbsent(pod, p -> new ArrayList<>());
					for (int r = 0; r < rules.size(); r++) {
						lines.addAll(allows(pod, rules.get(r).getTo(), rules.get(r).getPorts(), false,
								"spec.egress[" + r + "]"));
					}
				}
			}
		}

		private List<String> policyTypes(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec spec) {
			if (spec.getPolicyTypes() != null && !spec.getPolicyTypes().isEmpty()) {
				return spec.getPolicyTypes();
			}
			boolean egress = spec.getEgress() != null && !spec.getEgress().isEmpty();
			return egress ? List.of("Ingress", "Egress") : List.of("Ingress");
		}

		/**
		 * The allow lines (without {@code -A chain}) of one rule for one selected pod.
		 * @param ingress peers are sources (else destinations)
		 */
		private List<String> allows(PodInfo selected, List<NetworkPolicyPeer> peers, List<NetworkPolicyPort> ports,
				boolean ingress, String where) {
			String dir = ingress ? "-s" : "-d";
			String comment = "-m comment --comment \"" + this.key + "\"";
			String allow = "-j MARK --set-xmark " + PolicyRenderer.this.markBit;
			// Each peer: an address match, the pod it is (for named ports on egress), or
			// an
			// ipBlock with excepts.
			List<Peer> matches = new ArrayList<>();
			if (peers == null || peers.isEmpty()) {
				matches.add(new Peer("", null, null));
			}
			else {
				for (int p = 0; p < peers.size(); p++) {
					matches.addAll(peer(peers.get(p), dir, where + ".peers[" + p + "]"));
				}
			}
			List<String> lines = new ArrayList<>();
			if (ports == null || ports.isEmpty()) {
				for (Peer peer : matches) {
					lines.add(join(peer.match(), "", comment, peer.target(allow)));
				}
				return lines;
			}
			for (int i = 0; i < ports.size(); i++) {
				NetworkPolicyPort port = ports.get(i);
				String protocol = (port.getProtocol() == null) ? "TCP" : port.getProtocol();
				if (!Set.of("TCP", "UDP", "SCTP").contains(protocol)) {
					problem(where + ".ports[" + i + "]: unsupported protocol " + protocol + "; ignored");
					continue;
				}
				String p = protocol.toLowerCase(Locale.ROOT);
				IntOrString value = port.getPort();
				if (value == null) {
					for (Peer peer : matches) {
						lines.add(join(peer.match(), "-p " + p, comment, peer.target(allow)));
					}
				}
				else if (value.getStrVal() != null && !value.getStrVal().matches("\\d+")) {
					String name = value.getStrVal();
					for (Peer peer : matches) {
						for (Map.Entry<String, Integer> target : namedTargets(selected, peer, name, protocol, ingress)
							.entrySet()) {
							lines.add(join(target.getKey(), "-p " + p + " -m " + p + " --dport " + target.getValue(),
									comment, peer.target(allow)));
						}
					}
				}
				else {
					int number = (value.getIntVal() != null) ? value.getIntVal() : Integer.parseInt(value.getStrVal());
					String range = String.valueOf(number);
					if (port.getEndPort() != null) {
						if (port.getEndPort() < number) {
							problem(where + ".ports[" + i + "]: endPort " + port.getEndPort() + " is below port "
									+ number + "; ignored");
							continue;
						}
						range = number + ":" + port.getEndPort();
					}
					for (Peer peer : matches) {
						lines.add(join(peer.match(), "-p " + p + " -m " + p + " --dport " + range, comment,
								peer.target(allow)));
					}
				}
			}
			return lines;
		}

		/**
		 * Address match to port number, for a named port: on the selected pod for
		 * ingress, on each destination pod for egress (an ipBlock has no port names).
		 */
		private Map<String, Integer> namedTargets(PodInfo selected, Peer peer, String name, String protocol,
				boolean ingress) {
			Map<String, Integer> out = new LinkedHashMap<>();
			if (ingress) {
				for (int number : selected.resolve(name, protocol)) {
					out.put(peer.match(), number);
				}
				return out;
			}
			if (peer.pod() != null) {
				for (int number : peer.pod().resolve(name, protocol)) {
					out.put(peer.match(), number);
				}
			}
			else if (peer.match().isEmpty()) {
				for (PodInfo pod : this.live) {
					for (int number : pod.resolve(name, protocol)) {
						out.put("-d " + pod.ip() + "/32", number);
					}
				}
			}
			return out;
		}

		private List<Peer> peer(NetworkPolicyPeer peer, String dir, String where) {
			IPBlock block = peer.getIpBlock();
			if (block != null) {
				return ipBlock(block, dir, where);
			}
			if (peer.getPodSelector() == null && peer.getNamespaceSelector() == null) {
				problem(where + ": a peer needs podSelector, namespaceSelector or ipBlock; ignored");
				return List.of();
			}
			Predicate<Map<String, String>> pods;
			Predicate<Map<String, String>> namespaces;
			try {
				pods = LabelMatcher.of(peer.getPodSelector());
				namespaces = LabelMatcher.of(peer.getNamespaceSelector());
			}
			catch (IllegalArgumentException ex) {
				problem(where + ": " + ex.getMessage() + "; ignored");
				return List.of();
			}
			String own = this.policy.getMetadata().getNamespace();
			boolean anyNamespace = peer.getNamespaceSelector() != null;
			List<Peer> out = new ArrayList<>();
			for (PodInfo pod : this.live) {
				boolean inNamespace = anyNamespace ? namespaces
					.test(this.nsLabels.getOrDefault(pod.namespace(), Map.of(NAMESPACE_NAME_LABEL, pod.namespace())))
						: pod.namespace().equals(own);
				if (inNamespace && pods.test(pod.labels())) {
					out.add(new Peer(dir + " " + pod.ip() + "/32", pod, null));
				}
			}
			return out;
		}

		private List<Peer> ipBlock(IPBlock block, String dir, String where) {
			String cidr = block.getCidr();
			if (cidr != null && cidr.contains(":")) {
				problem(where + ".ipBlock: IPv6 " + cidr + " is not supported here; ignored");
				return List.of();
			}
			try {
				Ipv4.checkCidr(where + ".ipBlock.cidr", cidr);
			}
			catch (IllegalArgumentException ex) {
				problem(ex.getMessage() + "; ignored");
				return List.of();
			}
			List<String> excepts = (block.getExcept() == null) ? List.of() : block.getExcept();
			if (excepts.isEmpty()) {
				return List.of(new Peer(dir + " " + cidr, null, null));
			}
			StringBuilder body = new StringBuilder();
			String chain = PolicyRenderer.this.prefix + "-X-" + ChainNames.hash(dir + cidr + excepts);
			for (String except : excepts) {
				try {
					Ipv4.checkCidr(where + ".ipBlock.except", except);
				}
				catch (IllegalArgumentException ex) {
					problem(ex.getMessage() + "; ignored");
					return List.of();
				}
				if (!Ipv4.inCidr(except.split("/")[0], cidr)) {
					problem(where + ".ipBlock.except " + except + " is not inside " + cidr + "; ignored");
					return List.of();
				}
				body.append("-A ")
					.append(chain)
					.append(' ')
					.append(dir)
					.append(' ')
					.append(except)
					.append(" -j RETURN\n");
			}
			body.append("-A ")
				.append(chain)
				.append(" -j MARK --set-xmark ")
				.append(PolicyRenderer.this.markBit)
				.append('\n');
			this.xChains.put(chain, body.toString());
			return List.of(new Peer(dir + " " + cidr, null, chain));
		}

		private void problem(String message) {
			this.problems.merge(this.key, message, (a, b) -> a + "; " + b);
		}

	}

	/**
	 * One peer of a rule: its address match ({@code ""} = any), the pod it is, or the
	 * except chain of an ipBlock to jump to instead of marking.
	 */
	private record Peer(String match, PodInfo pod, String exceptChain) {

		String target(String allow) {
			return (this.exceptChain != null) ? "-j " + this.exceptChain : allow;
		}

	}

	private static String join(String... parts) {
		StringBuilder out = new StringBuilder();
		for (String part : parts) {
			if (!part.isEmpty()) {
				if (!out.isEmpty()) {
					out.append(' ');
				}
				out.append(part);
			}
		}
		return out.toString();
	}

}
