package io.stevedore.proxy.service.iptables;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.stevedore.proxy.service.model.DataPlane;
import io.stevedore.proxy.service.model.ProxyState;
import io.stevedore.proxy.service.model.ServicePort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel data plane: iptables nat/filter rules in one atomic
 * {@code iptables-restore --noflush} per sync (only this proxy's chains are touched,
 * everything else on the host stays), the ClusterIPs on {@code lo} and a blackhole route
 * for the service CIDR.
 * <p>
 * Syncs are partial, as kube-proxy's since 1.27: only chains whose rules changed since
 * the last applied restore are written (1,000 Services rewritten in full take seconds to
 * tens of seconds in {@code iptables-restore} on the nf_tables backend; one changed
 * Service takes milliseconds). A full restore of every chain runs at start, after any
 * failed restore, and every {@link #FULL_SYNC_PERIOD} (kube-proxy's period too), which
 * repairs chains someone else changed. When even a full restore is refused, the offending
 * Services are found by bisection with {@code --test} (nothing changes meanwhile) and the
 * rest is applied without them; {@code --test} never runs otherwise.
 */
public final class KernelPlane implements DataPlane {

	private static final Logger log = LoggerFactory.getLogger(KernelPlane.class);

	private static final Duration HOST_CHECK_PERIOD = Duration.ofSeconds(10);

	/** How often a sync rewrites every chain even when nothing failed. */
	static final Duration FULL_SYNC_PERIOD = Duration.ofHours(1);

	private final HostCommands host;

	private final IptablesRenderer renderer;

	private final ChainNames names;

	private final String serviceCidr;

	private final boolean cleanupOnClose;

	private final LoopbackAddresses loopback;

	/** What the kernel holds (or may hold, after a failure) of this proxy's chains. */
	private RuleSet applied = RuleSet.EMPTY;

	private boolean needFullSync = true;

	private long lastFullSync;

	private int lastChainsWritten;

	private long lastHostCheck;

	public KernelPlane(HostCommands host, IptablesRenderer renderer, String serviceCidr, boolean cleanupOnClose) {
		this.host = host;
		this.renderer = renderer;
		this.names = renderer.names();
		this.serviceCidr = serviceCidr;
		this.cleanupOnClose = cleanupOnClose;
		this.loopback = new LoopbackAddresses(host, this.names.prefix());
	}

	@Override
	public void start() {
		HostSetup.kernelSwitches(this.host);
		removeChains();
		this.loopback.adopt();
		ensureHost();
	}

	@Override
	public ApplyResult apply(ProxyState state) {
		long now = System.nanoTime();
		if (now - this.lastHostCheck > HOST_CHECK_PERIOD.toNanos()) {
			ensureHost();
		}
		String addressProblem = this.loopback
			.sync(state.ports().stream().map(ServicePort::clusterIp).collect(Collectors.toCollection(TreeSet::new)));
		RuleSet rules = this.renderer.rules(state);
		boolean full = this.needFullSync || now - this.lastFullSync > FULL_SYNC_PERIOD.toNanos();
		HostCommands.Result result = write(rules, full);
		if (!result.ok() && !full) {
			log.warn("partial iptables-restore refused, retrying with every chain: {}", result.output());
			full = true;
			result = write(rules, true);
		}
		Map<String, String> failures = new HashMap<>();
		if (!result.ok()) {
			log.warn("iptables-restore refused the rules, looking for the Services at fault: {}", result.output());
			Set<String> bad = findRefused(state);
			if (bad.isEmpty()) {
				return failed(rules, result);
			}
			for (String key : bad) {
				failures.put(key, "the kernel refused this Service's rules: " + lastError(state, key));
			}
			rules = this.renderer.rules(state.without(bad));
			result = write(rules, true);
			if (!result.ok()) {
				return failed(rules, result);
			}
		}
		this.applied = rules;
		this.needFullSync = false;
		if (full) {
			this.lastFullSync = now;
		}
		if (this.lastHostCheck == 0 || now - this.lastHostCheck > HOST_CHECK_PERIOD.toNanos()) {
			ensureJumps();
			this.lastHostCheck = now;
		}
		if (addressProblem != null) {
			log.warn("some ClusterIPs could not be added to lo: {}", addressProblem);
		}
		return new ApplyResult(true, failures, rules.rules(), null);
	}

	/** The next sync rewrites every chain (benchmarks; a failed restore does it too). */
	public void forceFullSync() {
		this.needFullSync = true;
	}

	/** Chains written by the last applied restore: all of them after a full one. */
	public int lastChainsWritten() {
		return this.lastChainsWritten;
	}

	private HostCommands.Result write(RuleSet rules, boolean full) {
		String input = rules.restoreInput(this.applied, full);
		this.lastChainsWritten = rules.changedChains(this.applied, full);
		return input.isEmpty() ? new HostCommands.Result(0, "") : restore(input, false);
	}

	/**
	 * Nothing applied: the kernel may hold any chain of either rule set (a restore
	 * commits table by table), so the next sync rewrites all and deletes what is left
	 * over.
	 */
	private ApplyResult failed(RuleSet rules, HostCommands.Result result) {
		this.applied = rules.union(this.applied);
		this.needFullSync = true;
		return ApplyResult.failed("iptables-restore failed: " + result.output());
	}

	@Override
	public void close() {
		if (this.cleanupOnClose) {
			removeChains();
			this.loopback.removeAll();
			this.host.run(List.of("ip", "route", "del", "blackhole", this.serviceCidr));
			// Said at INFO: when a stop leaves rules behind, the log shows whether it got
			// here.
			log.info("removed the proxy's iptables chains, Service addresses and route");
		}
	}

	/**
	 * Services whose rules alone make a restore fail, by bisection with {@code --test}.
	 */
	private Set<String> findRefused(ProxyState state) {
		List<String> keys = state.ports().stream().map(p -> p.name().serviceKey()).distinct().toList();
		return Bisection.refused(keys, keep -> testOnly(state, keep));
	}

	private boolean testOnly(ProxyState state, Set<String> keep) {
		Set<String> drop = state.ports()
			.stream()
			.map(p -> p.name().serviceKey())
			.filter(k -> !keep.contains(k))
			.collect(Collectors.toSet());
		return restore(this.renderer.render(state.without(drop), Set.of(), Set.of()).input(), true).ok();
	}

	private String lastError(ProxyState state, String key) {
		Set<String> drop = state.ports()
			.stream()
			.map(p -> p.name().serviceKey())
			.filter(k -> !k.equals(key))
			.collect(Collectors.toSet());
		String output = restore(this.renderer.render(state.without(drop), Set.of(), Set.of()).input(), true).output();
		return output.lines().filter(l -> !l.isBlank()).findFirst().orElse(output);
	}

	private HostCommands.Result restore(String input, boolean test) {
		List<String> command = new ArrayList<>(List.of("iptables-restore", "-w", "5", "--noflush"));
		if (test) {
			command.add("--test");
		}
		return this.host.run(command, input);
	}

	private void ensureHost() {
		HostSetup.blackholeRoute(this.host, this.serviceCidr);
	}

	/** The jumps from the built-in chains, each added once, at the top. */
	private void ensureJumps() {
		String c = "-m comment --comment \"" + this.names.jumpComment() + "\"";
		// Inserted at position 1 in reverse order: the first listed ends up first.
		HostChains.ensure(this.host,
				List.of(new HostChains.Jump("nat", "PREROUTING", c + " -j " + this.names.services()),
						new HostChains.Jump("nat", "OUTPUT", c + " -j " + this.names.services()),
						new HostChains.Jump("nat", "POSTROUTING", c + " -j " + this.names.postrouting()),
						new HostChains.Jump("filter", "INPUT", c + " -j " + this.names.firewall()),
						new HostChains.Jump("filter", "INPUT",
								"-m conntrack --ctstate NEW " + c + " -j " + this.names.services()),
						new HostChains.Jump("filter", "OUTPUT",
								"-m conntrack --ctstate NEW " + c + " -j " + this.names.services())));
		// Present is not enough in FORWARD: Docker puts its isolation rules back on top
		// whenever it creates a network, and behind them traffic between its bridges is
		// dropped before the accept is reached.
		HostChains.ensureAheadOf(this.host,
				new HostChains.Jump("filter", "FORWARD", c + " -j " + this.names.forward()));
		HostChains.ensureAheadOf(this.host, new HostChains.Jump("filter", "FORWARD",
				"-m conntrack --ctstate NEW " + c + " -j " + this.names.services()));
	}

	/**
	 * Removes this proxy's chains and the jumps to them, whoever's run left them.
	 */
	private void removeChains() {
		HostChains.removeOwned(this.host, this.names::owns, List.of("nat", "filter"), this.names.prefix());
		this.applied = RuleSet.EMPTY;
		this.needFullSync = true;
		this.lastHostCheck = 0;
	}

}
