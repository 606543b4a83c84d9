package io.stevedore.proxy.service.iptables;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.stevedore.proxy.service.model.Endpoint;
import io.stevedore.proxy.service.model.ProxyState;
import io.stevedore.proxy.service.model.ServicePort;

/**
 * Renders a {@link ProxyState} as one {@code iptables-restore --noflush} input rewriting
 * only this proxy's chains, with kube-proxy's iptables-mode layout:
 * <ul>
 * <li>nat {@code SERVICES}: ClusterIP and externalIP matches jump to a per-port
 * {@code SVC} (or {@code EXT}) chain; the last rule sends local destinations to
 * {@code NODEPORTS};</li>
 * <li>{@code SVC}: ClientIP affinity ({@code recent} module), then random-probability
 * selection over the ready endpoints' {@code SEP} chains (1/n, 1/(n-1), ..., 1);</li>
 * <li>{@code SEP}: hairpin masquerade mark and the DNAT;</li>
 * <li>{@code EXT}: NodePort/external traffic, masqueraded (policy Cluster) or sent only
 * to this node's endpoints with the client address kept (policy Local);</li>
 * <li>{@code POSTROUTING}: masquerades what was marked;</li>
 * <li>filter {@code SERVICES}: REJECT for ports without ready endpoints (connection
 * refused, never a hang), {@code FORWARD}: accepts service traffic past Docker's DROP
 * policy, {@code FIREWALL}: kube-proxy's route_localnet guard and, in this plane, refuses
 * anything to the service CIDR that no rule translated.</li>
 * </ul>
 * Each Service port's rules are rendered once and reused while the port is unchanged (a
 * sync of 1,000 Services re-renders only what changed); {@link RuleSet#restoreInput}
 * turns two rule sets into the restore of what differs.
 */
public final class IptablesRenderer {

	private final ChainNames names;

	private final String serviceCidr;

	private final String masqMark;

	public IptablesRenderer(ChainNames names, String serviceCidr, int masqBit) {
		this.names = names;
		this.serviceCidr = serviceCidr;
		int mark = 1 << masqBit;
		this.masqMark = String.format(Locale.ROOT, "0x%x/0x%x", mark, mark);
	}

	public ChainNames names() {
		return this.names;
	}

	/**
	 * The full restore input for {@code state}: every chain written, chains of the last
	 * restore that are gone flushed and deleted.
	 * @param previousNat nat chains of the last applied restore (deleted when gone)
	 * @param previousFilter filter chains of the last applied restore
	 */
	public Rendered render(ProxyState state, Set<String> previousNat, Set<String> previousFilter) {
		RuleSet rules = rules(state);
		RuleSet before = new RuleSet(names(previousNat), names(previousFilter), 0);
		return new Rendered(rules.restoreInput(before, true), rules.nat().keySet(), rules.filter().keySet(),
				rules.rules());
	}

	private static Map<String, String> names(Set<String> chains) {
		Map<String, String> map = new LinkedHashMap<>();
		chains.forEach(chain -> map.put(chain, ""));
		return map;
	}

	/** This proxy's chains for {@code state}. */
	public synchronized RuleSet rules(ProxyState state) {
		Tables t = new Tables();
		t.natChain(this.names.services());
		t.natChain(this.names.nodePorts());
		t.natChain(this.names.postrouting());
		t.natChain(this.names.markMasq());
		t.filterChain(this.names.services());
		t.filterChain(this.names.forward());
		t.filterChain(this.names.firewall());

		t.nat("-A %s -m mark ! --mark %s -j RETURN", this.names.postrouting(), this.masqMark);
		t.nat("-A %s -j MARK --xor-mark %s", this.names.postrouting(),
				this.masqMark.substring(0, this.masqMark.indexOf('/')));
		t.nat("-A %s -m comment --comment \"service traffic requiring SNAT\" -j MASQUERADE --random-fully",
				this.names.postrouting());
		t.nat("-A %s -j MARK --or-mark %s", this.names.markMasq(),
				this.masqMark.substring(0, this.masqMark.indexOf('/')));

		t.filter("-A %s -m mark --mark %s -j ACCEPT", this.names.forward(), this.masqMark);
		t.filter("-A %s -m conntrack --ctstate DNAT -m conntrack --ctorigdst %s -j ACCEPT", this.names.forward(),
				this.serviceCidr);
		t.filter("-A %s -m conntrack --ctstate RELATED,ESTABLISHED -m conntrack --ctorigdst %s -j ACCEPT",
				this.names.forward(), this.serviceCidr);
		t.filter(
				"-A %s ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment \"block incoming localnet connections\" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP",
				this.names.firewall());
		t.filter(
				"-A %s -d %s -m conntrack --ctstate NEW -m conntrack ! --ctstate DNAT -m comment --comment \"no such service port\" -j REJECT --reject-with icmp-port-unreachable",
				this.names.firewall(), this.serviceCidr);

		// A port's rules depend on the port and on the node (name, addresses) only.
		Object context = List.of(String.valueOf(state.nodeName()), state.nodeAddresses());
		if (!context.equals(this.cacheContext)) {
			this.cache.clear();
			this.cacheContext = context;
		}
		Map<ServicePort, Tables> rendered = new HashMap<>();
		for (ServicePort port : state.ports()) {
			Tables portTables = this.cache.get(port);
			if (portTables == null) {
				portTables = new Tables();
				renderPort(portTables, port, state);
			}
			rendered.put(port, portTables);
			t.addAll(portTables);
		}
		this.cache = rendered;
		t.nat("-A %s -m addrtype --dst-type LOCAL -j %s", this.names.services(), this.names.nodePorts());
		return new RuleSet(t.bodies(t.nat), t.bodies(t.filter), t.rules);
	}

	private Map<ServicePort, Tables> cache = new HashMap<>();

	private Object cacheContext;

	private void renderPort(Tables t, ServicePort port, ProxyState state) {
		String proto = port.protocol().lower();
		String comment = "\"" + port.name() + "\"";
		List<Endpoint> ready = port.readyEndpoints();
		String svc = this.names.svc(port.name());
		String ext = this.names.ext(port.name());
		String match = "-p " + proto + " -m " + proto + " --dport ";

		// ClusterIP
		if (ready.isEmpty()) {
			t.filter("-A %s -d %s/32 %s%d -m comment --comment %s -j REJECT --reject-with icmp-port-unreachable",
					this.names.services(), port.clusterIp(), match, port.port(), quoteNoEndpoints(port));
		}
		else {
			t.natChain(svc);
			t.nat("-A %s -d %s/32 %s%d -m comment --comment %s -j %s", this.names.services(), port.clusterIp(), match,
					port.port(), comment, svc);
			// Traffic from the node itself (a local source address) is masqueraded so
			// replies come back through this host whichever address it picked.
			t.nat("-A %s -m addrtype --src-type LOCAL -j %s", svc, this.names.markMasq());
			balance(t, svc, port, ready);
		}

		if (!port.hasExternalEntry()) {
			return;
		}
		List<Endpoint> externalTargets = port.externalLocal() ? port.readyLocalEndpoints(state.nodeName()) : ready;
		boolean reachable = !ready.isEmpty();
		if (reachable) {
			t.natChain(ext);
			if (port.externalLocal()) {
				// Local: keep the client's address; the node itself may use any endpoint.
				t.nat("-A %s -m addrtype --src-type LOCAL -j %s", ext, this.names.markMasq());
				t.nat("-A %s -m addrtype --src-type LOCAL -j %s", ext, svc);
				if (!externalTargets.isEmpty()) {
					String local = this.names.local(port.name());
					t.natChain(local);
					t.nat("-A %s -j %s", ext, local);
					balance(t, local, port, externalTargets);
				}
			}
			else {
				t.nat("-A %s -j %s", ext, this.names.markMasq());
				t.nat("-A %s -j %s", ext, svc);
			}
		}
		for (String ip : port.externalIps()) {
			if (reachable) {
				t.nat("-A %s -d %s/32 %s%d -m comment --comment %s -j %s", this.names.services(), ip, match,
						port.port(), quote(port, "external IP"), ext);
			}
			rejectExternal(t, port, ip, port.port(), externalTargets, reachable);
		}
		if (port.nodePort() > 0) {
			for (String address : state.nodeAddresses()) {
				if (reachable) {
					t.nat("-A %s -d %s/32 %s%d -m comment --comment %s -j %s", this.names.nodePorts(), address, match,
							port.nodePort(), quote(port, "node port"), ext);
				}
				rejectExternal(t, port, address, port.nodePort(), externalTargets, reachable);
			}
		}
	}

	private void rejectExternal(Tables t, ServicePort port, String ip, int dport, List<Endpoint> targets,
			boolean reachable) {
		String proto = port.protocol().lower();
		if (!reachable) {
			t.filter(
					"-A %s -d %s/32 -p %s -m %s --dport %d -m comment --comment %s -j REJECT --reject-with icmp-port-unreachable",
					this.names.services(), ip, proto, proto, dport, quoteNoEndpoints(port));
		}
		else if (targets.isEmpty()) {
			// Policy Local without an endpoint here: external clients are dropped, as
			// kube-proxy does, the node itself still reaches the Service.
			t.filter(
					"-A %s -d %s/32 -p %s -m %s --dport %d -m addrtype ! --src-type LOCAL -m comment --comment %s -j DROP",
					this.names.services(), ip, proto, proto, dport, quote(port, "has no local endpoints"));
		}
	}

	private void balance(Tables t, String chain, ServicePort port, List<Endpoint> endpoints) {
		String proto = port.protocol().lower();
		if (port.affinitySeconds() > 0) {
			for (Endpoint endpoint : endpoints) {
				String sep = this.names.sep(port.name(), endpoint);
				t.nat("-A %s -m recent --name %s --rcheck --seconds %d --reap -j %s", chain, sep,
						port.affinitySeconds(), sep);
			}
		}
		int n = endpoints.size();
		for (int i = 0; i < n; i++) {
			Endpoint endpoint = endpoints.get(i);
			String sep = this.names.sep(port.name(), endpoint);
			if (t.addNatChain(sep)) {
				t.nat("-A %s -s %s/32 -j %s", sep, endpoint.ip(), this.names.markMasq());
				String recent = (port.affinitySeconds() > 0) ? " -m recent --name " + sep + " --set" : "";
				t.nat("-A %s -p %s -m %s%s -j DNAT --to-destination %s", sep, proto, proto, recent, endpoint.address());
			}
			if (i < n - 1) {
				t.nat("-A %s -m statistic --mode random --probability %s -j %s", chain, probability(n - i), sep);
			}
			else {
				t.nat("-A %s -j %s", chain, sep);
			}
		}
	}

	/**
	 * kube-proxy's probability text: 1/n with enough digits to stay exact in practice.
	 */
	static String probability(int n) {
		return String.format(Locale.ROOT, "%.10f", 1.0 / n);
	}

	private static String quote(ServicePort port, String what) {
		return "\"" + port.name() + " " + what + "\"";
	}

	private static String quoteNoEndpoints(ServicePort port) {
		return quote(port, "has no endpoints");
	}

	/** The restore input and what it leaves in place. */
	public record Rendered(String input, Set<String> natChains, Set<String> filterChains, int rules) {
	}

	/**
	 * Chains being rendered, per table, in order. Shared chains ({@code SERVICES},
	 * {@code NODEPORTS}) collect the lines of every port.
	 */
	private static final class Tables {

		final Map<String, StringBuilder> nat = new LinkedHashMap<>();

		final Map<String, StringBuilder> filter = new LinkedHashMap<>();

		int rules;

		void natChain(String chain) {
			this.nat.computeIfAbsent(chain, c -> new StringBuilder());
		}

		/** Declares a nat chain; false when it was already there. */
		boolean addNatChain(String chain) {
			return this.nat.putIfAbsent(chain, new StringBuilder()) == null;
		}

		void filterChain(String chain) {
			this.filter.computeIfAbsent(chain, c -> new StringBuilder());
		}

		void nat(String format, Object... args) {
			line(this.nat, format, args);
		}

		void filter(String format, Object... args) {
			line(this.filter, format, args);
		}

		private void line(Map<String, StringBuilder> table, String format, Object... args) {
			// Every rule starts "-A <chain> ", the chain being the first argument.
			table.computeIfAbsent((String) args[0], c -> new StringBuilder())
				.append(String.format(Locale.ROOT, format, args))
				.append('\n');
			this.rules++;
		}

		void addAll(Tables other) {
			other.nat.forEach((chain, body) -> this.nat.computeIfAbsent(chain, c -> new StringBuilder()).append(body));
			other.filter
				.forEach((chain, body) -> this.filter.computeIfAbsent(chain, c -> new StringBuilder()).append(body));
			this.rules += other.rules;
		}

		Map<String, String> bodies(Map<String, StringBuilder> table) {
			Map<String, String> out = new LinkedHashMap<>();
			table.forEach((chain, body) -> out.put(chain, body.toString()));
			return out;
		}

	}

}
