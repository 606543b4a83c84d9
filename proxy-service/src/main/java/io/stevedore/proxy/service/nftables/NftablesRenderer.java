package io.stevedore.proxy.service.nftables;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.stevedore.proxy.service.iptables.ChainNames;
import io.stevedore.proxy.service.model.Endpoint;
import io.stevedore.proxy.service.model.ProxyState;
import io.stevedore.proxy.service.model.ServicePort;

/**
 * Renders a {@link ProxyState} as the definition of this proxy's nftables table, the
 * shape of kube-proxy's nftables mode:
 * <ul>
 * <li>map {@code service-ips} ({@code address . protocol . port : verdict}): ClusterIPs
 * go to the Service's {@code svc-} chain; externalIPs and the NodePorts on the node's
 * addresses go to its {@code ext-} chain. One lookup per packet, whatever the number of
 * Services (iptables walks a rule per Service port);</li>
 * <li>map {@code no-endpoint-services}: the same keys for ports without a ready endpoint
 * (rejected: connection refused, never a hang) and for policy Local ports without an
 * endpoint on this node (external clients dropped), checked in the filter hooks;</li>
 * <li>{@code svc-}: masquerade mark for node-local clients, ClientIP affinity (a set per
 * endpoint with the Service's timeout, refreshed on every new connection), then
 * {@code numgen random mod N} over the ready endpoints' {@code sep-} chains;</li>
 * <li>{@code sep-}: hairpin masquerade mark and the DNAT;</li>
 * <li>{@code ext-}/{@code xlb-}: external traffic, masqueraded (policy Cluster) or only
 * to this node's endpoints with the client address kept (policy Local);</li>
 * <li>base chains: nat prerouting/output look up {@code service-ips}, nat postrouting
 * masquerades what was marked; filter input/forward/output refuse new connections to the
 * service CIDR that nothing translated and guard route_localnet, as the iptables plane's
 * FIREWALL chain.</li>
 * </ul>
 * The output is the body of {@code table ip <name> { ... }}; the plane writes it after
 * deleting the table, in one transaction.
 */
public final class NftablesRenderer {

	static final String SERVICE_IPS = "service-ips";

	static final String NO_ENDPOINTS = "no-endpoint-services";

	static final String MARK_MASQ = "mark-for-masquerade";

	static final String REJECT = "reject-chain";

	static final String DROP_EXTERNAL = "drop-external";

	private static final String KEY_TYPE = "ipv4_addr . inet_proto . inet_service";

	private final String table;

	private final String serviceCidr;

	private final String mark;

	private Map<ServicePort, Table> cache = new HashMap<>();

	private Object cacheContext;

	/**
	 * @param table the table's name (family {@code ip})
	 * @param serviceCidr refused when nothing translated it
	 * @param masqBit the fwmark bit meaning "masquerade this"
	 */
	public NftablesRenderer(String table, String serviceCidr, int masqBit) {
		this.table = table;
		this.serviceCidr = serviceCidr;
		this.mark = String.format(Locale.ROOT, "0x%08x", 1 << masqBit);
	}

	/**
	 * The table of a proxy with chain prefix {@code prefix}: {@code stevedore-proxy} for
	 * the default prefix, {@code stevedore-proxy-<prefix>} otherwise (tests, two proxies
	 * on one host).
	 */
	public static String tableName(ChainNames names) {
		return names.prefix().equals("STEVEDORE") ? "stevedore-proxy"
				: "stevedore-proxy-" + names.prefix().toLowerCase(Locale.ROOT);
	}

	public String table() {
		return this.table;
	}

	/** The masquerade bit as {@code 0x...}, as the rules set it. */
	public String masqueradeMark() {
		return this.mark;
	}

	/**
	 * The table's definition for {@code state} and how many rules and elements it holds.
	 */
	public synchronized Rendered render(ProxyState state) {
		Table t = new Table();
		// A port's part depends on the port and on the node (name, addresses) only: parts
		// are rendered once and reused while the port is unchanged, as in the iptables
		// renderer.
		Object context = List.of(String.valueOf(state.nodeName()), state.nodeAddresses());
		if (!context.equals(this.cacheContext)) {
			this.cache.clear();
			this.cacheContext = context;
		}
		Map<ServicePort, Table> parts = new HashMap<>();
		for (ServicePort port : state.ports()) {
			Table part = this.cache.get(port);
			if (part == null) {
				part = new Table();
				renderPort(part, port, state);
			}
			parts.put(port, part);
			t.addAll(part);
		}
		this.cache = parts;
		StringBuilder out = new StringBuilder();
		out.append("table ip ").append(this.table).append(" {\n");
		map(out, SERVICE_IPS, t.serviceIps);
		map(out, NO_ENDPOINTS, t.noEndpoints);
		for (Map.Entry<String, Integer> set : t.affinitySets.entrySet()) {
			out.append("\tset ")
				.append(set.getKey())
				.append(" {\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t\ttimeout ")
				.append(set.getValue())
				.append("s\n\t}\n");
		}
		int rules = t.serviceIps.size() + t.noEndpoints.size();
		rules += base(out, "nat-prerouting", "type nat hook prerouting priority -100; policy accept;",
				List.of(lookup(SERVICE_IPS)));
		rules += base(out, "nat-output", "type nat hook output priority -100; policy accept;",
				List.of(lookup(SERVICE_IPS)));
		rules += base(out, "nat-postrouting", "type nat hook postrouting priority 100; policy accept;",
				List.of("meta mark & " + this.mark + " == 0 return",
						"meta mark set meta mark ^ " + this.mark
								+ " comment \"clear the mark: no second masquerade after a hairpin\"",
						"masquerade fully-random comment \"service traffic requiring SNAT\""));
		List<String> firewall = List.of("ct state new " + lookup(NO_ENDPOINTS),
				"ct state new ct status & dnat == 0 ip daddr " + this.serviceCidr
						+ " reject comment \"no such service port\"");
		rules += base(
				out, "filter-input", "type filter hook input priority -10; policy accept;", concat(
						List.of("ip daddr 127.0.0.0/8 ip saddr != 127.0.0.0/8 ct state != { established, related }"
								+ " ct status & dnat == 0 drop comment \"block incoming localnet connections\""),
						firewall));
		rules += base(out, "filter-forward", "type filter hook forward priority -10; policy accept;", firewall);
		rules += base(out, "filter-output", "type filter hook output priority -10; policy accept;", firewall);
		rules += chain(out, MARK_MASQ, List.of("meta mark set meta mark | " + this.mark));
		rules += chain(out, REJECT, List.of("reject"));
		rules += chain(out, DROP_EXTERNAL, List.of("fib saddr type != local drop"));
		for (Map.Entry<String, List<String>> chain : t.chains.entrySet()) {
			rules += chain(out, chain.getKey(), chain.getValue());
		}
		out.append("}\n");
		return new Rendered(out.toString(), rules, t.chains,
				Map.of(SERVICE_IPS, t.serviceIps, NO_ENDPOINTS, t.noEndpoints), t.affinitySets);
	}

	/**
	 * The {@code nft -f} input turning the table as {@code before} rendered it into
	 * {@code after}, in one transaction, touching only what differs (kube-proxy's partial
	 * sync): new sets and chains are added first, changed chains flushed and refilled,
	 * map elements deleted and added, then chains and sets that are gone deleted
	 * (whatever jumped to them was a changed chain or element, already rewritten). The
	 * base and helper chains never change after the first full write. Empty when nothing
	 * differs.
	 */
	public String update(Rendered before, Rendered after) {
		String t = "ip " + this.table + " ";
		StringBuilder add = new StringBuilder();
		StringBuilder fill = new StringBuilder();
		StringBuilder elements = new StringBuilder();
		StringBuilder remove = new StringBuilder();
		// A set's name carries its timeout: a changed timeout is a new set, never a
		// changed one.
		after.sets().forEach((set, timeout) -> {
			if (!before.sets().containsKey(set)) {
				add.append("add set ")
					.append(t)
					.append(set)
					.append(" { type ipv4_addr; flags dynamic,timeout; timeout ")
					.append(timeout)
					.append("s; }\n");
			}
		});
		after.chains().forEach((chain, rules) -> {
			if (!rules.equals(before.chains().get(chain))) {
				add.append("add chain ").append(t).append(chain).append('\n');
				fill.append("flush chain ").append(t).append(chain).append('\n');
				rules.forEach(
						rule -> fill.append("add rule ").append(t).append(chain).append(' ').append(rule).append('\n'));
			}
		});
		after.maps().forEach((map, now) -> {
			Map<String, String> was = before.maps().getOrDefault(map, Map.of());
			was.forEach((key, verdict) -> {
				if (!verdict.equals(now.get(key))) {
					elements.append("delete element ").append(t).append(map).append(" { ").append(key).append(" }\n");
				}
			});
			now.forEach((key, verdict) -> {
				if (!verdict.equals(was.get(key))) {
					elements.append("add element ")
						.append(t)
						.append(map)
						.append(" { ")
						.append(key)
						.append(" : ")
						.append(verdict)
						.append(" }\n");
				}
			});
		});
		StringBuilder gone = new StringBuilder();
		before.chains().keySet().stream().filter(c -> !after.chains().containsKey(c)).forEach(chain -> {
			remove.insert(0, "flush chain " + t + chain + "\n");
			gone.append("delete chain ").append(t).append(chain).append('\n');
		});
		before.sets()
			.keySet()
			.stream()
			.filter(set -> !after.sets().containsKey(set))
			.forEach(set -> gone.append("delete set ").append(t).append(set).append('\n'));
		// A set is deleted only after the chains using it were rewritten or deleted.
		return add.toString() + fill + elements + remove + gone;
	}

	private void renderPort(Table t, ServicePort port, ProxyState state) {
		String proto = port.protocol().lower();
		String id = ChainNames.hash(port.name() + "/" + port.protocol()) + "-" + port.name().namespace() + "/"
				+ port.name().name() + "/" + proto + "/" + port.port();
		String svc = "svc-" + id;
		String ext = "ext-" + id;
		List<Endpoint> ready = port.readyEndpoints();
		boolean reachable = !ready.isEmpty();
		String clusterKey = key(port.clusterIp(), proto, port.port());
		if (reachable) {
			t.element(t.serviceIps, clusterKey, "goto " + svc);
			List<String> rules = t.chain(svc);
			// Traffic from the node itself is masqueraded so replies come back through
			// this host whichever source address it picked.
			rules.add("fib saddr type local jump " + MARK_MASQ);
			balance(t, rules, port, ready);
		}
		else {
			t.element(t.noEndpoints, clusterKey, "goto " + REJECT);
		}
		if (!port.hasExternalEntry()) {
			return;
		}
		List<Endpoint> targets = port.externalLocal() ? port.readyLocalEndpoints(state.nodeName()) : ready;
		if (reachable) {
			List<String> rules = t.chain(ext);
			if (port.externalLocal()) {
				// Local: keep the client's address; the node itself may use any endpoint.
				rules.add("fib saddr type local jump " + MARK_MASQ);
				rules.add("fib saddr type local goto " + svc);
				if (!targets.isEmpty()) {
					String xlb = "xlb-" + id;
					rules.add("goto " + xlb);
					balance(t, t.chain(xlb), port, targets);
				}
			}
			else {
				rules.add("jump " + MARK_MASQ);
				rules.add("goto " + svc);
			}
		}
		List<String> keys = new ArrayList<>();
		port.externalIps().forEach(ip -> keys.add(key(ip, proto, port.port())));
		if (port.nodePort() > 0) {
			state.nodeAddresses().forEach(address -> keys.add(key(address, proto, port.nodePort())));
		}
		for (String key : keys) {
			if (!reachable) {
				t.element(t.noEndpoints, key, "goto " + REJECT);
				continue;
			}
			t.element(t.serviceIps, key, "goto " + ext);
			if (targets.isEmpty()) {
				// Policy Local without an endpoint here: external clients are dropped, as
				// kube-proxy does, the node itself still reaches the Service.
				t.element(t.noEndpoints, key, "goto " + DROP_EXTERNAL);
			}
		}
	}

	private void balance(Table t, List<String> rules, ServicePort port, List<Endpoint> endpoints) {
		List<String> seps = new ArrayList<>();
		for (Endpoint endpoint : endpoints) {
			String hash = ChainNames.hash(port.name() + "/" + port.protocol() + "/" + endpoint.address());
			String sep = "sep-" + hash + "-" + endpoint.ip() + "/" + endpoint.port();
			String affinity = "affinity-" + hash + "-" + port.affinitySeconds();
			seps.add(sep);
			if (port.affinitySeconds() > 0) {
				rules.add("ip saddr @" + affinity + " goto " + sep);
			}
			if (t.chains.containsKey(sep)) {
				continue;
			}
			List<String> sepRules = t.chain(sep);
			sepRules.add("ip saddr " + endpoint.ip() + " jump " + MARK_MASQ);
			if (port.affinitySeconds() > 0) {
				t.affinitySets.put(affinity, port.affinitySeconds());
				sepRules.add("update @" + affinity + " { ip saddr }");
			}
			sepRules.add("meta l4proto " + port.protocol().lower() + " dnat to " + endpoint.address());
		}
		if (seps.size() == 1) {
			rules.add("goto " + seps.get(0));
			return;
		}
		StringBuilder vmap = new StringBuilder("numgen random mod ").append(seps.size()).append(" vmap { ");
		for (int i = 0; i < seps.size(); i++) {
			vmap.append((i > 0) ? ", " : "").append(i).append(" : goto ").append(seps.get(i));
		}
		rules.add(vmap.append(" }").toString());
	}

	private static String key(String address, String proto, int port) {
		return address + " . " + proto + " . " + port;
	}

	private static String lookup(String map) {
		return "ip daddr . meta l4proto . th dport vmap @" + map;
	}

	private static List<String> concat(List<String> a, List<String> b) {
		List<String> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

	private static void map(StringBuilder out, String name, Map<String, String> elements) {
		out.append("\tmap ").append(name).append(" {\n\t\ttype ").append(KEY_TYPE).append(" : verdict\n");
		if (!elements.isEmpty()) {
			out.append("\t\telements = {");
			String separator = " ";
			for (Map.Entry<String, String> element : elements.entrySet()) {
				out.append(separator).append(element.getKey()).append(" : ").append(element.getValue());
				separator = ",\n\t\t\t";
			}
			out.append(" }\n");
		}
		out.append("\t}\n");
	}

	private static int base(StringBuilder out, String name, String hook, List<String> rules) {
		List<String> body = new ArrayList<>(List.of(hook));
		body.addAll(rules);
		chain(out, name, body);
		return rules.size();
	}

	private static int chain(StringBuilder out, String name, List<String> rules) {
		out.append("\tchain ").append(name).append(" {\n");
		rules.forEach(rule -> out.append("\t\t").append(rule).append('\n'));
		out.append("\t}\n");
		return rules.size();
	}

	/**
	 * The table's definition and its size.
	 *
	 * @param table the {@code table ip ... { }} text
	 * @param rules rules plus map elements
	 * @param chains the per-Service chains and their rules
	 * @param maps the verdict maps' elements, key to verdict
	 * @param sets the affinity sets and their timeouts in seconds
	 */
	public record Rendered(String table, int rules, Map<String, List<String>> chains,
			Map<String, Map<String, String>> maps, Map<String, Integer> sets) {

		public Rendered {
			chains = copy(chains);
			maps = Map.copyOf(maps.entrySet()
				.stream()
				.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
						e -> java.util.Collections.unmodifiableMap(new LinkedHashMap<>(e.getValue())))));
			sets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sets));
		}

		private static Map<String, List<String>> copy(Map<String, List<String>> chains) {
			Map<String, List<String>> out = new LinkedHashMap<>();
			chains.forEach((chain, rules) -> out.put(chain, List.copyOf(rules)));
			return java.util.Collections.unmodifiableMap(out);
		}

	}

	/** What the ports add up to, in order. */
	private static final class Table {

		final Map<String, String> serviceIps = new LinkedHashMap<>();

		final Map<String, String> noEndpoints = new LinkedHashMap<>();

		final Map<String, Integer> affinitySets = new LinkedHashMap<>();

		final Map<String, List<String>> chains = new LinkedHashMap<>();

		/**
		 * Adds a map element; a key already taken stays with its first owner (ports come
		 * sorted, so the older rule wins as in the iptables plane; the collision is an
		 * Event from the state builder).
		 */
		void element(Map<String, String> map, String key, String verdict) {
			map.putIfAbsent(key, verdict);
		}

		/**
		 * Adds another port's part; an address and port already taken stays with the
		 * earlier port.
		 */
		void addAll(Table part) {
			part.serviceIps.forEach(this.serviceIps::putIfAbsent);
			part.noEndpoints.forEach(this.noEndpoints::putIfAbsent);
			this.affinitySets.putAll(part.affinitySets);
			part.chains.forEach(this.chains::putIfAbsent);
		}

		List<String> chain(String name) {
			return this.chains.computeIfAbsent(name, n -> new ArrayList<>());
		}

	}

}
